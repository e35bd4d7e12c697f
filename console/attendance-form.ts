/**
 * The attendance form's list of participants (issue 22 item 6): every party, every summoned agency
 * (with its representative's name) and a few rows for other persons, each with 到场 / 远程视频参加 /
 * 未到, and how the posted form becomes `record-attendance`'s `participants` (domain/remote-meeting.ts).
 */
import type { ConsoleDict } from './i18n';

type FormValue = string | string[];
const str = (v: FormValue | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();

/** Rows for persons who are neither a party nor a summoned agency's representative. */
export const OTHER_ROWS = 3;
const STATUSES = ['on_site', 'remote', 'absent'] as const;

export interface ParticipantRow {
  who: string;
  status: { name: string; options: Array<{ value: string; label: string; selected: boolean }> };
  /** An agency's representative, or another person's name and unit: text inputs. */
  inputs: Array<{ name: string; label: string; value: string }>;
}

export interface ParticipantSources {
  parties: Array<{ name: string; role?: string }>;
  /** The agencies summoned to (invited to) the current meeting. */
  meetingAgencies?: Array<{ code: string; name: string }>;
}

function statusOf(name: string, values: Record<string, FormValue>, t: ConsoleDict): ParticipantRow['status'] {
  const chosen = str(values[name]);
  const labels: Record<string, string> = {
    '': t.option.unrecorded ?? '—',
    on_site: t.option.attended_on_site ?? 'on_site',
    remote: t.option.attended_remote ?? 'remote',
    absent: t.option.absent ?? 'absent',
  };
  return {
    name,
    options: ['', ...STATUSES].map((value) => ({ value, label: labels[value]!, selected: value === chosen })),
  };
}

/** The rows of the form, with what a refused submission had (nothing typed is lost). */
export function participantRows(
  src: ParticipantSources,
  t: ConsoleDict,
  values: Record<string, FormValue>,
  roleLabel: (role: string) => string,
): ParticipantRow[] {
  const rows: ParticipantRow[] = src.parties.map((p, i) => ({
    who: p.role ? `${p.name}（${roleLabel(p.role)}）` : p.name,
    status: statusOf(`att.party.${i}`, values, t),
    inputs: [],
  }));
  for (const a of src.meetingAgencies ?? []) {
    rows.push({
      who: a.name,
      status: statusOf(`att.agency.${a.code}`, values, t),
      inputs: [
        { name: `att.rep.${a.code}`, label: t.field.representative ?? 'name', value: str(values[`att.rep.${a.code}`]) },
      ],
    });
  }
  for (let n = 0; n < OTHER_ROWS; n++) {
    rows.push({
      who: `${t.field.otherPerson ?? 'other'} ${n + 1}`,
      status: statusOf(`att.other.${n}`, values, t),
      inputs: [
        {
          name: `att.otherName.${n}`,
          label: t.field.participantWho ?? 'name',
          value: str(values[`att.otherName.${n}`]),
        },
        { name: `att.otherUnit.${n}`, label: t.field.otherUnit ?? 'unit', value: str(values[`att.otherUnit.${n}`]) },
      ],
    });
  }
  return rows;
}

const entryOf = (status: string): { present: boolean; how?: 'on_site' | 'remote' } | undefined =>
  status === 'on_site' || status === 'remote'
    ? { present: true, how: status }
    : status === 'absent'
      ? { present: false }
      : undefined;

/**
 * `participants` from the posted form: only the rows given a status (none: the field is absent, and
 * the older present/persons fields speak alone). A name without a status is an error of the form.
 */
export function participantsOf(form: Record<string, FormValue>): {
  participants?: Array<Record<string, unknown>>;
  error?: string;
} {
  const out: Array<Record<string, unknown>> = [];
  let error: string | undefined;
  for (let i = 0; i < 20; i++) {
    const e = entryOf(str(form[`att.party.${i}`]));
    if (e) out.push({ party: i, ...e });
  }
  for (const key of Object.keys(form)) {
    const m = /^att\.agency\.([a-z0-9][a-z0-9-]{0,63})$/.exec(key);
    const e = m ? entryOf(str(form[key])) : undefined;
    if (!m || !e) continue;
    const rep = str(form[`att.rep.${m[1]}`]);
    out.push({ agency: m[1], ...(rep ? { name: rep } : {}), ...e });
  }
  for (let n = 0; n < OTHER_ROWS; n++) {
    const name = str(form[`att.otherName.${n}`]);
    const unit = str(form[`att.otherUnit.${n}`]);
    const e = entryOf(str(form[`att.other.${n}`]));
    if (e && name) out.push({ name, ...(unit ? { unit } : {}), ...e });
    else if (e || name || unit) error = `${n + 1}：姓名与参加情况须一并填写 / give both the name and the attendance`;
  }
  return { participants: out.length ? out : undefined, error };
}
