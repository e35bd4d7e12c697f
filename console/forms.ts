/**
 * The console's action forms: for each API action, the fields a person fills in, and how the posted
 * form becomes the action's JSON body. The API validates the body; the console only converts
 * (yuan → fen, Beijing local time → ISO, checkbox lists → arrays, empty → absent).
 */
import type { Action } from '../domain/lifecycle';
import type { ConsoleDict } from './i18n';
import { bilingualPart, fieldErrorText, type LangOf, type ProblemField } from './context';
import { RECORDED_STATUSES, VISIT_METHODS } from '../domain/performance';
import { VOLUNTARINESS_FORMS } from './voluntariness-forms';
import { MEETING_MODES } from '../domain/remote-meeting';
import { participantRows, participantsOf, type ParticipantRow } from './attendance-form';

export type FormValue = string | string[];
export type FormBody = Record<string, FormValue>;

type FieldKind =
  | 'text'
  | 'textarea'
  | 'select'
  | 'checkboxes'
  | 'datetime'
  | 'number'
  | 'terms'
  | 'names'
  | 'persons'
  | 'participants';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
  /** Where the options come from. */
  options?: 'parties' | 'signers' | 'agencies' | 'units' | 'result' | 'method' | 'yesno' | 'satisfaction' | 'enum';
  optional?: boolean;
  /** With options 'enum': the values, labelled by the dictionary's `option`. */
  values?: readonly string[];
}

const reason: FieldSpec = { name: 'reason', kind: 'textarea', required: true };
const note: FieldSpec = { name: 'note', kind: 'textarea' };
const agreementFields: FieldSpec[] = [
  { name: 'facts', kind: 'textarea', required: true },
  { name: 'matters', kind: 'textarea', required: true },
  { name: 'responsibilities', kind: 'textarea', required: true },
  { name: 'losses', kind: 'textarea' },
  { name: 'terms', kind: 'terms', required: true },
  { name: 'signingPlace', kind: 'text' },
];

export const ACTION_FORMS: Record<Action, FieldSpec[]> = {
  accept: [note],
  decline: [reason, { name: 'transferTo', kind: 'select', options: 'units', optional: true }],
  escalate: [reason],
  'add-note': [{ name: 'text', kind: 'textarea', required: true }],
  // Not a form of its own: the case page's upload form (console/attachments-view.ts) posts the file.
  'attach-evidence': [],
  suspend: [reason],
  resume: [note],
  'schedule-meeting': [
    { name: 'at', kind: 'datetime', required: true },
    // Remote participation is recorded, not built: the link and platform go into the notices (issue 22 item 6).
    { name: 'mode', kind: 'select', options: 'enum', values: MEETING_MODES },
    { name: 'place', kind: 'text' },
    { name: 'remoteLink', kind: 'text' },
    { name: 'remotePlatform', kind: 'text' },
    { name: 'agencies', kind: 'checkboxes', options: 'agencies', required: true },
    { name: 'agenda', kind: 'textarea' },
  ],
  'confirm-attendance': [note],
  'decline-attendance': [reason],
  'record-outcome': [
    { name: 'result', kind: 'select', options: 'result', required: true },
    { name: 'facts', kind: 'textarea', required: true },
    { name: 'matters', kind: 'textarea' },
    { name: 'responsibilities', kind: 'textarea' },
    { name: 'losses', kind: 'textarea' },
    { name: 'terms', kind: 'terms' },
    note,
    { name: 'failWithReferral', kind: 'text' },
    { name: 'signingPlace', kind: 'text' },
  ],
  // 人民调解法 Art. 28: written (调解协议书) by default, or an oral agreement the mediator records.
  resolve: [...agreementFields, { name: 'form', kind: 'select', options: 'enum', values: ['written', 'oral'] }],
  sign: [
    { name: 'signer', kind: 'select', options: 'signers', required: true },
    { name: 'method', kind: 'select', options: 'method', required: true },
    { name: 'witness', kind: 'text' },
    // 民法典 Art. 165: a 委托代理人 signs for a party with special authority only (domain/people.ts).
    { name: 'agent', kind: 'number' },
  ],
  seal: [note],
  'reject-agreement': [{ name: 'party', kind: 'select', options: 'parties', optional: true }, reason],
  // 2002《人民调解工作若干规定》Art. 37: how the visit was made and whom it met; each term's status by record-performance.
  'record-follow-up': [
    { name: 'method', kind: 'select', options: 'enum', values: VISIT_METHODS, required: true },
    { name: 'met', kind: 'names', required: true },
    { name: 'performed', kind: 'select', options: 'yesno', optional: true },
    { name: 'satisfaction', kind: 'select', options: 'satisfaction', required: true },
    note,
    { name: 'risks', kind: 'textarea' },
    { name: 'measures', kind: 'textarea' },
  ],
  reopen: [reason],
  fail: [reason, { name: 'referral', kind: 'text', required: true }],
  withdraw: [reason, { name: 'party', kind: 'select', options: 'parties', optional: true }],
  reassign: [reason, { name: 'unitCode', kind: 'select', options: 'units', required: true }],
  // The persons present, with their unit, for the mediation record (调解记录): one per line, 姓名（单位）.
  'record-attendance': [
    // Each party, agency and person: 到场 / 远程视频参加 / 未到 (console/attendance-form.ts); or the older two fields.
    { name: 'participants', kind: 'participants' },
    { name: 'present', kind: 'checkboxes', options: 'agencies' },
    { name: 'persons', kind: 'persons' },
  ],
  'refer-to-police': [{ name: 'measures', kind: 'textarea', required: true }, note],
  // The party's own, on the parties' page (api/routes/party-case.ts): never a staff form.
  'rate-satisfaction': [],
  ...VOLUNTARINESS_FORMS,
  // 人民调解法 Art. 33; 民事诉讼法 Art. 205–206 (dates as YYYY-MM-DD).
  'record-judicial-confirmation': [
    { name: 'filedAt', kind: 'text', required: true },
    { name: 'court', kind: 'text', required: true },
    { name: 'caseNumber', kind: 'text' },
    { name: 'ruling', kind: 'select', options: 'enum', values: ['valid', 'rejected'], optional: true },
    { name: 'rulingNumber', kind: 'text' },
    { name: 'rulingAt', kind: 'text' },
  ],
  // 人民调解法 Art. 31: one term's performance (1-based); 未到期 follows from its deadline.
  'record-performance': [
    { name: 'term', kind: 'number', required: true },
    { name: 'status', kind: 'select', options: 'enum', values: RECORDED_STATUSES, required: true },
    note,
  ],
};

export const TERM_ROWS = 3;

export interface OptionSources {
  parties: Array<{ name: string }>;
  agencies: Array<{ code: string; name: string }>;
  units: Array<{ code: string; name: string }>;
  /** The current meeting's agencies (the attendance form lists them). */
  meetingAgencies?: Array<{ code: string; name: string }>;
  /** The parties' roles as read (申请人…), for the attendance form. */
  roleLabel?: (role: string) => string;
}

export interface RenderedField {
  name: string;
  id: string;
  label: string;
  /** The `required` attribute (not on a checkbox group or the terms: those are checked by the server). */
  required: boolean;
  /** Marked as required: a visible ＊ (`requiredMark`, aria-hidden) and the word 必填 for screen readers (`requiredWord`). */
  marked: boolean;
  requiredMark: string;
  requiredWord: string;
  textarea?: boolean;
  text?: boolean;
  datetime?: boolean;
  select?: boolean;
  checkboxes?: boolean;
  terms?: Array<{
    i: number;
    text: string;
    obligor: string;
    amount: string;
    dueDate: string;
    method: string;
    immediate: boolean;
  }>;
  value: string;
  options?: Array<{ value: string; label: string; selected: boolean }>;
  participants?: ParticipantRow[];
  error?: string;
}

const str = (v: FormValue | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const list = (v: FormValue | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function optionsOf(spec: FieldSpec, src: OptionSources, t: ConsoleDict): Array<{ value: string; label: string }> {
  const none = spec.optional ? [{ value: '', label: t.option.none! }] : [];
  switch (spec.options) {
    case 'parties':
      return [...none, ...src.parties.map((p, i) => ({ value: String(i), label: p.name }))];
    case 'signers':
      return [
        ...src.parties.map((p, i) => ({ value: `party:${i}`, label: p.name })),
        { value: 'mediator', label: t.option.mediator! },
      ];
    case 'agencies':
      return src.agencies.map((a) => ({ value: a.code, label: a.name }));
    case 'units':
      return [...none, ...src.units.map((u) => ({ value: u.code, label: u.name }))];
    case 'result':
      return ['agreed', 'no_agreement', 'adjourned'].map((v) => ({ value: v, label: t.option[v]! }));
    case 'method':
      return ['signature', 'seal', 'fingerprint'].map((v) => ({ value: v, label: t.option[v]! }));
    case 'yesno':
      return ['yes', 'no'].map((v) => ({ value: v, label: t.option[v]! }));
    case 'satisfaction':
      return ['5', '4', '3', '2', '1'].map((v) => ({ value: v, label: v }));
    case 'enum':
      return [...none, ...(spec.values ?? []).map((v) => ({ value: v, label: t.option[v] ?? v }))];
    default:
      return [];
  }
}

/** The fields of an action's form, with the values a refused submission had (nothing typed is lost). */
export function renderFields(
  action: Action,
  src: OptionSources,
  t: ConsoleDict,
  values: FormBody = {},
  errors: Record<string, string> = {},
): RenderedField[] {
  return ACTION_FORMS[action].map((spec) => {
    const id = `${action}-${spec.name}`;
    const value = str(values[spec.name]);
    const chosen = spec.kind === 'checkboxes' ? list(values[spec.name]) : [value];
    const field: RenderedField = {
      name: spec.name,
      id,
      label: t.field[spec.name] ?? spec.name,
      required: !!spec.required && spec.kind !== 'checkboxes' && spec.kind !== 'terms',
      marked: !!spec.required,
      requiredMark: t.requiredMark,
      requiredWord: t.requiredWord,
      value,
      error: errors[spec.name],
    };
    if (spec.kind === 'select' || spec.kind === 'checkboxes') {
      field.options = optionsOf(spec, src, t).map((o) => ({ ...o, selected: chosen.includes(o.value) }));
    }
    if (spec.kind === 'participants') {
      field.participants = participantRows(src, t, values, src.roleLabel ?? ((r) => r));
    } else if (spec.kind === 'terms') {
      field.terms = Array.from({ length: TERM_ROWS }, (_, i) => ({
        i,
        text: str(values[`term${i}.text`]),
        obligor: str(values[`term${i}.obligor`]),
        amount: str(values[`term${i}.amount`]),
        dueDate: str(values[`term${i}.dueDate`]),
        method: str(values[`term${i}.method`]),
        immediate: str(values[`term${i}.immediate`]) === 'yes',
      }));
    } else {
      field[
        spec.kind === 'number' || spec.kind === 'names' ? 'text' : spec.kind === 'persons' ? 'textarea' : spec.kind
      ] = true as never;
    }
    return field;
  });
}

/** Beijing local time from a datetime-local input ("2026-11-27T09:30") as an ISO instant. */
export function beijingToIso(local: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(local);
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? ':00'}+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "12,000.50" or "12000" yuan → fen; undefined when it is not an amount. */
export function yuanToFen(text: string): number | undefined {
  const clean = text.replace(/[,，\s]/g, '');
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(clean)) return undefined;
  const [whole, frac = ''] = clean.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/**
 * The action's JSON body from the posted form. Conversion problems (an amount that is not a number, a
 * time that is not a time) are returned per field; the API checks everything else.
 */
export function payloadOf(
  action: Action,
  form: FormBody,
  lang: LangOf = 'zh-CN',
): { payload: Record<string, unknown>; errors: Record<string, string> } {
  const payload: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  /** A conversion problem in the console's words, the field named (the codes of console/i18n/problems.ts). */
  const say = (field: string, code: string, params?: ProblemField['params']) =>
    fieldErrorText({ field, code, ...(params ? { params } : {}) }, lang);
  for (const spec of ACTION_FORMS[action]) {
    const raw = form[spec.name];
    const value = str(raw);
    switch (spec.kind) {
      case 'checkboxes':
        if (list(raw).length) payload[spec.name] = list(raw);
        else if (spec.required) errors[spec.name] = say(spec.name, 'required');
        break;
      case 'datetime': {
        if (!value) break;
        const iso = beijingToIso(value);
        if (iso) payload[spec.name] = iso;
        else errors[spec.name] = say(spec.name, 'not_datetime');
        break;
      }
      case 'terms': {
        const terms: Array<Record<string, unknown>> = [];
        for (let i = 0; i < TERM_ROWS; i++) {
          const text = str(form[`term${i}.text`]);
          const obligor = str(form[`term${i}.obligor`]);
          const amount = str(form[`term${i}.amount`]);
          const dueDate = str(form[`term${i}.dueDate`]);
          // 人民调解法 Art. 29(3): the manner of performance, and a date or 即时履行.
          const method = str(form[`term${i}.method`]);
          const immediate = str(form[`term${i}.immediate`]) === 'yes';
          if (!text && !obligor && !amount && !dueDate && !method) continue;
          const term: Record<string, unknown> = { text };
          if (obligor) term.obligor = obligor;
          if (amount) {
            const fen = yuanToFen(amount);
            if (fen === undefined) errors.terms = say('terms', 'not_amount', { term: i + 1 });
            else term.amountFen = fen;
          }
          if (dueDate) term.dueDate = dueDate;
          if (method) term.method = method;
          if (immediate) term.immediate = true;
          terms.push(term);
        }
        if (terms.length) payload.terms = terms;
        break;
      }
      case 'select':
        if (!value) break;
        if (spec.options === 'parties') payload[spec.name] = Number(value);
        else if (spec.options === 'yesno') payload[spec.name] = value === 'yes';
        else if (spec.options === 'satisfaction') payload[spec.name] = Number(value);
        else payload[spec.name] = value;
        break;
      case 'names': {
        // 张某、李某 / 张某, 李某 → ["张某", "李某"]
        const names = value
          .split(/[、,，;；]+/)
          .map((n) => n.trim())
          .filter(Boolean);
        if (names.length) payload[spec.name] = names;
        else if (spec.required) errors[spec.name] = say(spec.name, 'required');
        break;
      }
      case 'persons': {
        // 汪家桥社区工作人员（汪家桥社区） / 张某，安监站 — one person a line, with their unit.
        const persons: Array<{ name: string; unit: string }> = [];
        const lines = value.split(/[\r\n;；]+/).map((l) => l.trim());
        for (const line of lines.filter(Boolean)) {
          const m = /^(.+?)[（(](.+)[）)]$/.exec(line) ?? /^(.+?)[,，:：]\s*(.+)$/.exec(line);
          if (m) persons.push({ name: m[1]!.trim(), unit: m[2]!.trim() });
          else errors[spec.name] = say(spec.name, 'persons_line', { line });
        }
        if (persons.length) payload[spec.name] = persons;
        break;
      }
      case 'participants': {
        const { participants, error } = participantsOf(form);
        if (participants) payload[spec.name] = participants;
        if (error) errors[spec.name] = bilingualPart(error, langOf(lang)) ?? error;
        break;
      }
      case 'number':
        if (!value) break;
        if (/^\d{1,6}$/.test(value)) payload[spec.name] = Number(value);
        else errors[spec.name] = say(spec.name, 'not_number');
        break;
      default:
        if (value) payload[spec.name] = value;
    }
  }
  return { payload, errors };
}

/**
 * The API's field errors ("body/reason", "body/terms/0/text") keyed by the form's field names, each
 * said in the console's language from its code (请填写争议事项), never the API's English.
 */
export function fieldErrorsOf(
  problem: { errors?: ProblemField[] } | undefined,
  lang: LangOf = 'zh-CN',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const name = e.field?.replace(/^body\/?/, '').split('/')[0];
    if (name && !out[name]) out[name] = fieldErrorText(e, lang);
  }
  return out;
}

const langOf = (l: LangOf): 'zh-CN' | 'en' => (typeof l === 'object' ? l.lang : l);
