/**
 * One person's data for an access request (个人信息保护法 Art. 45: the right to consult and copy one's
 * personal information; docs/retention.md): every record that holds it, found by phone number and/or
 * identity number (or, alone, an exact name), as one JSON document. Used by the admin route
 * GET /api/v1/admin/personal-data and by `npm run pipl:export`; each export is logged in
 * data_protection_log (who, when, the query masked, how much was found).
 *
 * A record is the person's when a phone or identity number given equals the one on it (digits, +86
 * ignored; identity numbers without spaces, x as X); a name counts only when no number is given (people
 * share names: check before answering). Only the person's own entries: never the other people's fields.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Party } from '../domain/types';
import { redactSecrets } from '../notifications/channels';
import { maskIdNumber, maskName, maskNames, maskPhone } from '../security/pii';

export interface PersonQuery {
  phone?: string;
  idNumber?: string;
  name?: string;
}

export type PersonRole = Party['role'] | 'reporter' | 'legal_representative' | 'agent';

export interface CaseEntry {
  disputeId: string;
  caseNumber: string | null;
  role: PersonRole;
  /** The party this entry is, or acts for (a legal representative's or agent's party). */
  partyIndex?: number;
  matchedBy: Array<'phone' | 'idNumber' | 'name'>;
  category: string;
  stage: string;
  outcome: string | null;
  unit: { code: string; name: string } | null;
  receivedAt: string | null;
  closedAt: string | null;
  /** Reduced after its archival period (only what is left is shown). */
  reducedAt: string | null;
  /** The person's own entry as the case holds it. */
  personalData: Record<string, unknown>;
  fieldsHeld: string[];
  consents: unknown[];
  signatures: Array<{ method: string; at: string; channel?: string; phoneTail?: string }>;
  satisfaction: Array<{ rating: number; comment?: string; at: string }>;
  contactPreference: Record<string, unknown> | null;
  notices: NoticeEntry[];
  codes: Array<{ purpose: string; phoneMasked: string; createdAt: string; usedAt: string | null }>;
  files: Array<{ name: string; mediaType: string; size: number; sha256: string | null; at: string; stored: boolean }>;
  actions: Array<{ type: string; at: string }>;
}

export interface NoticeEntry {
  disputeId: string | null;
  kind: string;
  channel: string;
  recipient: string;
  status: string;
  subject: string | null;
  /** With the other people's names masked. */
  text: string;
  createdAt: string;
  sentAt: string | null;
}

export interface PersonalDataExport {
  generatedAt: string;
  legalBasis: string;
  query: PersonQuery;
  cases: CaseEntry[];
  /** Notices to the phone or e-mail outside the cases found. */
  otherNotices: NoticeEntry[];
  staffAccounts: Array<Record<string, unknown>>;
  notStored: string[];
}

export const normalizePhone = (p: string): string => {
  const d = p.replace(/[^0-9]/g, '');
  const m = /^(?:0086|86)(1[3-9][0-9]{9})$/.exec(d);
  return m ? m[1]! : d;
};
const normalizeId = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/** The query as the log and the answer's headers may show it. */
export function maskedQuery(q: PersonQuery): string {
  return [
    q.phone ? `phone=${maskPhone(q.phone)}` : '',
    q.idNumber ? `id=${maskIdNumber(q.idNumber)}` : '',
    q.name ? `name=${maskName(q.name)}` : '',
  ]
    .filter(Boolean)
    .join(' ')
    .slice(0, 200);
}

export function queryProblem(q: PersonQuery): string | undefined {
  if (!q.phone && !q.idNumber && !q.name)
    return '须给出手机号、身份证号或姓名 / give a phone number, an identity number or a name';
  if (q.phone !== undefined && normalizePhone(q.phone).length < 7)
    return `手机号不完整 / the phone number is incomplete (got "${q.phone}")`;
  if (q.idNumber !== undefined && normalizeId(q.idNumber).length < 6)
    return `证件号不完整 / the identity number is incomplete (got "${q.idNumber}")`;
  if (q.name !== undefined && [...q.name.trim()].length < 2)
    return `姓名至少两个字 / a name has at least two characters (got "${q.name}")`;
  return undefined;
}

interface Person {
  name?: string;
  phone?: string;
  idNumber?: string;
  [k: string]: unknown;
}

function matchOf(p: Person | undefined, q: PersonQuery): CaseEntry['matchedBy'] {
  if (!p) return [];
  const by: CaseEntry['matchedBy'] = [];
  if (q.phone && p.phone && normalizePhone(p.phone) === normalizePhone(q.phone)) by.push('phone');
  if (q.idNumber && p.idNumber && normalizeId(p.idNumber) === normalizeId(q.idNumber)) by.push('idNumber');
  if (q.name && typeof p.name === 'string' && p.name.trim() === q.name.trim()) {
    if (by.length > 0 || (!q.phone && !q.idNumber)) by.push('name');
  }
  return by.some((b) => b !== 'name') || (!q.phone && !q.idNumber) ? by : [];
}

/** The people a case holds: its parties, their legal representatives and agents, its reporter. */
function peopleOf(state: Record<string, unknown>): Array<{ person: Person; role: PersonRole; partyIndex?: number }> {
  const out: Array<{ person: Person; role: PersonRole; partyIndex?: number }> = [];
  const parties = (Array.isArray(state.parties) ? state.parties : []) as Array<Party & Person>;
  parties.forEach((p, i) => {
    const { legalRepresentative, agents, ...own } = p;
    out.push({ person: own as Person, role: p.role, partyIndex: i });
    if (legalRepresentative)
      out.push({ person: legalRepresentative as unknown as Person, role: 'legal_representative', partyIndex: i });
    for (const a of agents ?? []) out.push({ person: a as unknown as Person, role: 'agent', partyIndex: i });
  });
  if (state.reporter && typeof state.reporter === 'object')
    out.push({ person: state.reporter as Person, role: 'reporter' });
  return out;
}

/** SQL conditions joined with `or`, and their parameters. */
function conditions() {
  const parts: string[] = [];
  const params: unknown[] = [];
  return {
    add(sql: string, ...p: unknown[]) {
      parts.push(sql);
      params.push(...p);
    },
    get sql() {
      return parts.join(' or ');
    },
    params,
  };
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

interface NoticeRow {
  dispute_id: string | null;
  kind: string;
  channel: string;
  recipient: string;
  status: string;
  subject: string | null;
  text: string;
  created_at: Date;
  sent_at: Date | null;
}

export async function exportPersonalData(
  em: EntityManager,
  q: PersonQuery,
  opts: { actor: string; now?: Date },
): Promise<PersonalDataExport> {
  const problem = queryProblem(q);
  if (problem) throw new Error(problem);
  const now = opts.now ?? new Date();
  const phone = q.phone ? normalizePhone(q.phone) : undefined;
  const id = q.idNumber ? normalizeId(q.idNumber) : undefined;
  // Candidates by a scan of the read model's text (rare, admin-only); exact matching below. LIKE's own
  // characters in the query are matched as themselves (`%%` would load every case).
  const where = conditions();
  const literal = (text: string) => text.replace(/[\\%_]/g, '\\$&');
  if (phone) where.add(`regexp_replace(state::text, '[^0-9]+', '', 'g') like ?`, `%${literal(phone)}%`);
  if (id) where.add(`upper(regexp_replace(state::text, '\\s+', '', 'g')) like ?`, `%${literal(id)}%`);
  if (!phone && !id && q.name) where.add(`state::text like ?`, `%${literal(q.name.trim())}%`);
  const rows = await em.execute<
    Array<{ id: string; case_number: string | null; state: Record<string, unknown>; reduced_at: Date | null }>
  >(`select id, case_number, state, reduced_at from disputes where ${where.sql} order by created_at`, where.params);

  const cases: CaseEntry[] = [];
  for (const row of rows) {
    const s = row.state;
    const everyone = peopleOf(s);
    for (const { person, role, partyIndex } of everyone) {
      const matchedBy = matchOf(person, q);
      if (matchedBy.length === 0) continue;
      cases.push(await caseEntry(em, row, { person, role, partyIndex, matchedBy }));
    }
  }

  // Notices to the phone (or the e-mail addresses on the cases found) wherever they were sent from;
  // one about a case this person is not in (an agency's, a supervisor's notice) has every name masked.
  const emails = cases
    .map((c) => c.contactPreference?.email)
    .filter((e): e is string => typeof e === 'string' && e !== '');
  const to = conditions();
  if (phone) to.add(`regexp_replace(recipient, '[^0-9]', '', 'g') in (?, ?, ?)`, phone, `86${phone}`, `0086${phone}`);
  if (emails.length)
    to.add(`lower(recipient) in (${emails.map(() => '?').join(', ')})`, ...emails.map((e) => e.toLowerCase()));
  const notices: NoticeRow[] = to.params.length
    ? await em.execute<NoticeRow[]>(
        `select dispute_id, kind, channel, recipient, status, subject, text, created_at, sent_at from notice_deliveries
          where ${to.sql} order by created_at`,
        to.params,
      )
    : [];
  const otherNotices: NoticeEntry[] = [];
  const namesOfCase = new Map<string, string[]>();
  const everyNameOf = async (disputeId: string): Promise<string[]> => {
    if (!namesOfCase.has(disputeId)) {
      const [row] = await em.execute<Array<{ state: Record<string, unknown> }>>(
        'select state from disputes where id = ?',
        [disputeId],
      );
      const names = row ? peopleOf(row.state).map((e) => String(e.person.name ?? '')) : [];
      namesOfCase.set(disputeId, names.filter(Boolean));
    }
    return namesOfCase.get(disputeId)!;
  };
  for (const n of notices) {
    const c = cases.find((x) => x.disputeId === n.dispute_id);
    const others = c ? othersOf(rows, c) : n.dispute_id ? await everyNameOf(n.dispute_id) : [];
    const entry = noticeEntry(n, others);
    if (c) c.notices.push(entry);
    else otherNotices.push(entry);
  }

  const staff = phone
    ? await em.execute<Array<Record<string, unknown>>>(
        `select username, display_name as "displayName", role, unit_code as "unitCode", agency_code as "agencyCode", phone, active
           from users where regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') in (?, ?, ?)`,
        [phone, `86${phone}`, `0086${phone}`],
      )
    : [];

  const result: PersonalDataExport = {
    generatedAt: now.toISOString(),
    legalBasis: '《个人信息保护法》第四十五条 / PIPL Art. 45 (查阅、复制 / access and copy)',
    query: q,
    cases,
    otherNotices,
    staffAccounts: staff,
    notStored: [
      '当事人页面的会话为签名 Cookie，服务器不保存 / the parties’ page sessions are signed cookies, not stored',
      '上报表单的令牌不保存 / the report form’s tokens are not stored',
      '验证码只保存其 HMAC / one-time codes are kept only as an HMAC',
    ],
  };
  await em.execute(
    `insert into data_protection_log (kind, at, actor, subject, details) values ('export', ?, ?, ?, ?::jsonb)`,
    [
      now,
      opts.actor.slice(0, 128),
      maskedQuery(q),
      JSON.stringify({
        cases: cases.length,
        notices: notices.length,
        files: cases.reduce((n, c) => n + c.files.length, 0),
        staffAccounts: staff.length,
      }),
    ],
  );
  return result;
}

/** The names of the other people of the case an entry is in (masked in the texts shown to this person). */
function othersOf(rows: Array<{ id: string; state: Record<string, unknown> }>, c: CaseEntry): string[] {
  const row = rows.find((r) => r.id === c.disputeId);
  if (!row) return [];
  const own = c.personalData.name;
  return peopleOf(row.state)
    .map((e) => e.person.name)
    .filter((n): n is string => typeof n === 'string' && n !== own);
}

function noticeEntry(n: NoticeRow, others: string[]): NoticeEntry {
  return {
    disputeId: n.dispute_id,
    kind: n.kind,
    channel: n.channel,
    recipient: n.recipient,
    status: n.status,
    subject: n.subject,
    // The links' bearer tokens and any code are live credentials: never copied into an export.
    text: redactSecrets(maskNames(n.text, others)),
    createdAt: iso(n.created_at)!,
    sentAt: iso(n.sent_at),
  };
}

async function caseEntry(
  em: EntityManager,
  row: { id: string; case_number: string | null; state: Record<string, unknown>; reduced_at: Date | null },
  who: { person: Person; role: PersonRole; partyIndex?: number; matchedBy: CaseEntry['matchedBy'] },
): Promise<CaseEntry> {
  const s = row.state as Record<string, any>;
  const isParty = who.role === 'applicant' || who.role === 'respondent' || who.role === 'third_party';
  const i = who.partyIndex;
  const entry: CaseEntry = {
    disputeId: row.id,
    caseNumber: row.case_number,
    role: who.role,
    ...(i !== undefined ? { partyIndex: i } : {}),
    matchedBy: who.matchedBy,
    category: s.category,
    stage: s.stage,
    outcome: s.outcome ?? null,
    unit: s.unit ? { code: s.unit.code, name: s.unit.name } : null,
    receivedAt: s.receivedAt ?? null,
    closedAt: s.closedAt ?? null,
    reducedAt: iso(row.reduced_at),
    personalData: who.person,
    fieldsHeld: Object.keys(who.person).filter((k) => who.person[k] !== undefined && who.person[k] !== ''),
    consents: [],
    signatures: [],
    satisfaction: [],
    contactPreference: null,
    notices: [],
    codes: [],
    files: [],
    actions: [],
  };
  // The public report form's files are its reporter's: the reporting applicant (party 0) or the 反映人.
  const publicForm = s.channel === 'public-form' && ((i === 0 && who.role === 'applicant') || who.role === 'reporter');
  entry.files = (
    await em.execute<Array<Record<string, any>>>(
      `select name, media_type, size, sha256, created_at, storage_key from attachments
        where dispute_id = ? and ((source = 'party' and party_index = ? and ?) or (? and source = 'public_form')) order by created_at`,
      [row.id, i ?? -1, isParty, publicForm],
    )
  ).map((f) => ({
    name: f.name,
    mediaType: f.media_type,
    size: f.size,
    sha256: f.sha256,
    at: iso(f.created_at)!,
    stored: f.storage_key !== null,
  }));
  if (!isParty || i === undefined) return entry;
  entry.consents = ((s.consents ?? []) as Array<{ party: number }>).filter((c) => c.party === i);
  const agreements = [s.agreement, ...(s.pastAgreements ?? [])].filter(Boolean) as Array<{
    signatures?: Array<Record<string, any>>;
  }>;
  entry.signatures = agreements
    .flatMap((a) => a.signatures ?? [])
    .filter((sig) => sig.signer === `party:${i}`)
    .map((sig) => ({ method: sig.method, at: sig.at, channel: sig.channel, phoneTail: sig.phoneTail }));
  entry.satisfaction = (
    (s.satisfaction ?? []) as Array<{ party: number; rating: number; comment?: string; at: string }>
  )
    .filter((r) => r.party === i)
    .map((r) => ({ rating: r.rating, comment: r.comment, at: r.at }));
  const [pref] = await em.execute<Array<Record<string, any>>>(
    `select channels, email, consent, consent_at, consent_source, withdrawn_at from contact_preferences where dispute_id = ? and party_index = ?`,
    [row.id, i],
  );
  entry.contactPreference = pref
    ? {
        channels: pref.channels,
        email: pref.email,
        consent: pref.consent,
        consentAt: iso(pref.consent_at),
        consentSource: pref.consent_source,
        withdrawnAt: iso(pref.withdrawn_at),
      }
    : null;
  entry.codes = (
    await em.execute<Array<Record<string, any>>>(
      `select purpose, phone_masked, created_at, used_at from party_codes where dispute_id = ? and party_index = ? order by created_at`,
      [row.id, i],
    )
  ).map((c) => ({
    purpose: c.purpose,
    phoneMasked: c.phone_masked,
    createdAt: iso(c.created_at)!,
    usedAt: iso(c.used_at),
  }));
  entry.actions = (
    await em.execute<Array<{ type: string; at: Date }>>(
      `select type, at from dispute_events where dispute_id = ? and actor->>'id' = ? order by seq`,
      [row.id, `party:${row.id}:${i}`],
    )
  ).map((e) => ({ type: e.type, at: iso(e.at)! }));
  return entry;
}
