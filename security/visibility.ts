/**
 * Personal data: who sees which field. One table, applied to everything that shows a case: its JSON
 * (one case, the list, the answer to an action), its history, and every document (rendered from the
 * case as this table shows it). docs/security.md explains it for people.
 *
 * Readers (the API decides which one a caller is for a case, api/personal-data.ts):
 * - `holder`: admins, and the mediators and supervisors of the unit that holds the case or of a unit
 *   above it: everything, in full (their work needs it);
 * - `reporter`: the integrator that reported the case, and staff who see it only because it came
 *   from their area (grid workers, a unit that passed it on): what they reported, numbers masked;
 * - `agency`: a summoned agency's representative: what the meeting needs: who the parties are,
 *   how to reach them (masked), no identity numbers, no personal details, the address to the street;
 * - `area`: an integrator that sees the case only through an area grant: masked data only;
 * - `public`: a copy for anyone (`copy=public`): the same, without identity numbers. The public board
 *   shows no case at all, only figures.
 */
import { voluntarinessFor } from '../domain/voluntariness';
import type { Agreement, DisputeEvent, DisputeView, Meeting, Party, Signature } from '../domain/types';
import { maskAddress, maskIdNumber, maskName, maskNames, maskPhone, maskText } from './pii';

export const AUDIENCES = ['holder', 'reporter', 'agency', 'area', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** full: as entered; masked: security/pii.ts's masking; hidden: left out. */
export type Shown = 'full' | 'masked' | 'hidden';

/**
 * The fields: a person's `name` (parties, representatives, signers, witnesses; an organisation's
 * own name is not personal data and always shows), `phone`, `idNumber`, `address`, `details` (sex,
 * ethnicity, age, occupation) and `text`: every free text of the case (title, description, notes,
 * reasons, facts, terms, meeting minutes), in which phone, identity and house numbers are masked
 * (identity numbers starred out entirely where `idNumber` is hidden), and the parties' names too
 * where names are masked.
 */
export type PersonalField = 'name' | 'phone' | 'idNumber' | 'address' | 'details' | 'text';

export const FIELD_VISIBILITY: Readonly<Record<Audience, Readonly<Record<PersonalField, Shown>>>> = {
  holder: { name: 'full', phone: 'full', idNumber: 'full', address: 'full', details: 'full', text: 'full' },
  reporter: { name: 'full', phone: 'masked', idNumber: 'masked', address: 'full', details: 'full', text: 'masked' },
  agency: { name: 'full', phone: 'masked', idNumber: 'hidden', address: 'masked', details: 'hidden', text: 'masked' },
  area: { name: 'masked', phone: 'masked', idNumber: 'masked', address: 'masked', details: 'hidden', text: 'masked' },
  public: { name: 'masked', phone: 'masked', idNumber: 'hidden', address: 'masked', details: 'hidden', text: 'masked' },
};

/**
 * The names of the people in a case (parties who are persons, representatives, legal representatives,
 * agents, the reporter), for masking them in text.
 */
export function personNames(view: Pick<DisputeView, 'parties' | 'reporter'>): string[] {
  return [
    ...view.parties.flatMap((p) => [
      ...(p.kind === 'organisation' ? [] : [p.name]),
      p.representative ?? '',
      p.legalRepresentative?.name ?? '',
      ...(p.agents ?? []).map((a) => a.name),
    ]),
    view.reporter?.name ?? '',
  ];
}

/** How one reader sees the personal fields of one case. */
export interface Lens {
  audience: Audience;
  /** Everything as entered: the lens changes nothing. */
  full: boolean;
  shows(field: PersonalField): Shown;
  /** A person's name. */
  name(v: string): string;
  /** Free text. */
  text(v: string): string;
  /** Text that names a place (a meeting's): only people's names masked, where names are. */
  place(v: string): string;
  /** A phone, identity number or address: undefined when hidden. */
  field(field: 'phone' | 'idNumber' | 'address', v: string): string | undefined;
}

export function lensFor(audience: Audience, view: Pick<DisputeView, 'parties' | 'reporter'>): Lens {
  const rules = FIELD_VISIBILITY[audience];
  const names = rules.name === 'masked' ? personNames(view) : [];
  const maskers = { phone: maskPhone, idNumber: maskIdNumber, address: maskAddress };
  return {
    audience,
    full: Object.values(rules).every((s) => s === 'full'),
    shows: (f) => rules[f],
    name: (v) => (rules.name === 'masked' ? maskName(v) : v),
    text: (v) => (rules.text === 'masked' ? maskText(v, { names, hideIdentity: rules.idNumber === 'hidden' }) : v),
    place: (v) => maskNames(v, names),
    field: (f, v) => (rules[f] === 'hidden' ? undefined : rules[f] === 'masked' ? maskers[f](v) : v),
  };
}

const opt = <T>(v: T | undefined, f: (v: T) => T | undefined): T | undefined => (v === undefined ? v : f(v));

function partyFor(lens: Lens, p: Party): Party {
  const details = lens.shows('details') !== 'hidden';
  const out: Party = {
    ...p,
    // An organisation's own name is not personal data; its representative's is.
    name: p.kind === 'organisation' ? p.name : lens.name(p.name),
    sex: details ? p.sex : undefined,
    ethnicity: details ? p.ethnicity : undefined,
    age: details ? p.age : undefined,
    occupation: details ? p.occupation : undefined,
    phone: opt(p.phone, (v) => lens.field('phone', v)),
    idNumber: opt(p.idNumber, (v) => lens.field('idNumber', v)),
    address: opt(p.address, (v) => lens.field('address', v)),
    representative: opt(p.representative, lens.name),
    // The people around a party are people too: the same rules (domain/people.ts).
    birthDate: details ? p.birthDate : undefined,
    legalRepresentative: opt(p.legalRepresentative, (r) => personFor(lens, r)),
    agents: opt(p.agents, (agents) => agents.map((a) => personFor(lens, a))),
    serviceAddress: opt(p.serviceAddress, (v) => lens.field('address', v)),
  };
  // No key for what is hidden (not even `undefined`): the JSON answer leaves it out.
  for (const k of Object.keys(out) as Array<keyof Party>) if (out[k] === undefined) delete out[k];
  return out;
}

/** A person named around a case (reporter, legal representative, agent): name, phone, ID number, address. */
function personFor<T extends { name: string; phone?: string; idNumber?: string; address?: string }>(
  lens: Lens,
  person: T,
): T {
  const out: T = {
    ...person,
    name: lens.name(person.name),
    phone: opt(person.phone, (v) => lens.field('phone', v)),
    idNumber: opt(person.idNumber, (v) => lens.field('idNumber', v)),
    address: opt(person.address, (v) => lens.field('address', v)),
  };
  for (const k of ['phone', 'idNumber', 'address'] as const) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * Signatures: a party who is a person and any witness as the reader sees names; an organisation's
 * seal and the mediator's signature as they are.
 */
export function signaturesFor(lens: Lens, signatures: Signature[], parties: Party[]): Signature[] {
  if (lens.full) return signatures;
  const person = (signer: string) =>
    signer.startsWith('party:') && parties[Number(signer.slice(6))]?.kind !== 'organisation';
  return signatures.map((s) => ({
    ...s,
    // An organisation's seal keeps its name; an agent named in it is a person (lens.place masks names only).
    name: person(s.signer) ? lens.name(s.name) : s.signer.startsWith('party:') ? lens.place(s.name) : s.name,
    ...(s.witness !== undefined ? { witness: lens.name(s.witness) } : {}),
  }));
}

function agreementFor(lens: Lens, a: Agreement, parties: Party[]): Agreement {
  const t = lens.text;
  return {
    ...a,
    facts: t(a.facts),
    matters: t(a.matters),
    responsibilities: t(a.responsibilities),
    ...(a.losses !== undefined ? { losses: t(a.losses) } : {}),
    terms: a.terms.map((term) => ({
      ...term,
      text: t(term.text),
      ...(term.obligor !== undefined ? { obligor: t(term.obligor) } : {}),
      ...(term.method !== undefined ? { method: t(term.method) } : {}),
      ...(term.place !== undefined ? { place: t(term.place) } : {}),
    })),
    signatures: signaturesFor(lens, a.signatures, parties),
    // A place, like the meeting's: the names in it masked.
    ...(a.signingPlace !== undefined ? { signingPlace: lens.place(a.signingPlace) } : {}),
    ...(a.rejected ? { rejected: { ...a.rejected, reason: t(a.rejected.reason) } } : {}),
  };
}

function meetingFor(lens: Lens, m: Meeting): Meeting {
  const t = lens.text;
  return {
    ...m,
    // The meeting's place is an office the agencies must find.
    place: lens.place(m.place),
    ...(m.agenda !== undefined ? { agenda: t(m.agenda) } : {}),
    agencies: m.agencies.map((a) => (a.note !== undefined ? { ...a, note: t(a.note) } : a)),
    ...(m.attendance
      ? {
          attendance: {
            ...m.attendance,
            persons: m.attendance.persons.map((p) => ({ ...p, name: lens.name(p.name) })),
            ...(m.attendance.participants
              ? {
                  participants: m.attendance.participants.map((p) =>
                    p.name !== undefined ? { ...p, name: lens.name(p.name) } : p,
                  ),
                }
              : {}),
          },
        }
      : {}),
    // A remote meeting's link and platform text (it may hold the meeting's password): for those who
    // attend (the holder, the agencies summoned), not for a reporter, an area grant or a public copy.
    ...(m.remoteLink !== undefined && !lens.full && lens.audience !== 'agency'
      ? { remoteLink: undefined, remotePlatform: undefined }
      : {}),
    ...(m.outcome
      ? {
          outcome: {
            ...m.outcome,
            facts: t(m.outcome.facts),
            ...(m.outcome.responsibilities !== undefined ? { responsibilities: t(m.outcome.responsibilities) } : {}),
            ...(m.outcome.losses !== undefined ? { losses: t(m.outcome.losses) } : {}),
            ...(m.outcome.note !== undefined ? { note: t(m.outcome.note) } : {}),
          },
        }
      : {}),
  };
}

/** The case as `audience` may see it (the same object for a holder). */
export function caseFor(audience: Audience, view: DisputeView): DisputeView {
  const lens = lensFor(audience, view);
  if (lens.full) return view;
  const t = lens.text;
  const f = view.followUp;
  return {
    ...view,
    title: t(view.title),
    description: t(view.description),
    parties: view.parties.map((p) => partyFor(lens, p)),
    ...(view.reporter ? { reporter: personFor(lens, view.reporter) } : {}),
    ...(view.risk ? { risk: { ...view.risk, reasons: view.risk.reasons.map(t) } } : {}),
    ...(view.suspended ? { suspended: { ...view.suspended, reason: t(view.suspended.reason) } } : {}),
    escalations: view.escalations.map((e) => ({ ...e, reason: t(e.reason) })),
    notes: view.notes.map((n) => ({ ...n, text: t(n.text) })),
    // Evidence (issue 22): a party who uploaded is a person; file names and descriptions are free text.
    ...(view.evidence
      ? {
          evidence: view.evidence.map((e) => ({
            ...e,
            name: t(e.name),
            ...(e.description !== undefined ? { description: t(e.description) } : {}),
            ...(e.by.role === 'party' ? { by: { ...e.by, name: lens.name(e.by.name) } } : {}),
          })),
        }
      : {}),
    ...(view.meeting ? { meeting: meetingFor(lens, view.meeting) } : {}),
    ...(view.pastMeetings ? { pastMeetings: view.pastMeetings.map((m) => meetingFor(lens, m)) } : {}),
    ...(view.agreement ? { agreement: agreementFor(lens, view.agreement, view.parties) } : {}),
    ...(view.pastAgreements
      ? { pastAgreements: view.pastAgreements.map((a) => agreementFor(lens, a, view.parties)) }
      : {}),
    ...(f
      ? {
          followUp: {
            ...f,
            ...(f.note !== undefined ? { note: t(f.note) } : {}),
            ...(f.risks !== undefined ? { risks: t(f.risks) } : {}),
            ...(f.measures !== undefined ? { measures: t(f.measures) } : {}),
            ...(f.met ? { met: f.met.map(lens.place) } : {}),
            ...(f.visits
              ? {
                  visits: f.visits.map((v) => ({
                    ...v,
                    met: v.met.map(lens.place),
                    ...(v.note !== undefined ? { note: t(v.note) } : {}),
                    ...(v.risks !== undefined ? { risks: t(v.risks) } : {}),
                    ...(v.measures !== undefined ? { measures: t(v.measures) } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
    // The free texts of the issue-21 records: per-term performance, a variation, a performance
    // dispute, the police referral's measures.
    ...(view.performance
      ? { performance: view.performance.map((p) => (p.note !== undefined ? { ...p, note: t(p.note) } : p)) }
      : {}),
    ...(view.varying ? { varying: { ...view.varying, reason: t(view.varying.reason) } } : {}),
    ...(view.performanceDispute
      ? {
          performanceDispute: {
            ...view.performanceDispute,
            reason: t(view.performanceDispute.reason),
            referral: t(view.performanceDispute.referral),
          },
        }
      : {}),
    ...(view.policeReferral
      ? {
          policeReferral: {
            ...view.policeReferral,
            measures: t(view.policeReferral.measures),
            ...(view.policeReferral.note !== undefined ? { note: t(view.policeReferral.note) } : {}),
          },
        }
      : {}),
    ...(view.failure
      ? { failure: { ...view.failure, reason: t(view.failure.reason), referral: t(view.failure.referral) } }
      : {}),
    ...(view.withdrawal ? { withdrawal: { ...view.withdrawal, reason: t(view.withdrawal.reason) } } : {}),
    // A party's rating comment (issue 22) is free text like any other.
    ...(view.satisfaction
      ? { satisfaction: view.satisfaction.map((r) => (r.comment !== undefined ? { ...r, comment: t(r.comment) } : r)) }
      : {}),
    ...voluntarinessFor(view, t),
  };
}

/**
 * The actor of an event as `audience` may see it: a party acting on its own page (issue 22: uploads,
 * withdrawal, signing, rating) is named as the party, so its name is masked like the party's own
 * (an organisation's name is not personal data). Staff, integrators and the system are shown as they are.
 */
export function eventActorFor<A extends { type?: string; role?: string; name: string; partyIndex?: number }>(
  audience: Audience,
  view: Pick<DisputeView, 'parties' | 'reporter'>,
  actor: A,
): A {
  if (!actor || (actor.type !== 'party' && actor.role !== 'party')) return actor;
  const lens = lensFor(audience, view);
  if (lens.full) return actor;
  const party = actor.partyIndex === undefined ? undefined : view.parties[actor.partyIndex];
  if (party?.kind === 'organisation' && party.name === actor.name) return actor;
  return { ...actor, name: lens.name(actor.name) };
}

/** Free-text keys of event payloads; `name` and `witness` are people (a signer, a witness). */
const EVENT_TEXT = new Set([
  'text',
  'reason',
  'referral',
  'note',
  'agenda',
  'facts',
  'measures',
  'risks',
  // evidence_added (issue 22)
  'fileName',
  'description',
]);
/** Keys of event payloads that list people met or present, by name. */
const EVENT_PEOPLE = new Set(['met', 'persons']);

/** An event of the case's history as `audience` may see it (`view`: the case, for its parties' names). */
export function eventFor(
  audience: Audience,
  view: Pick<DisputeView, 'parties' | 'reporter'>,
  event: Pick<DisputeEvent, 'type' | 'payload'>,
): Record<string, unknown> {
  const lens = lensFor(audience, view);
  if (lens.full) return event.payload;
  // A signer's name is a person's unless it is the mediator or an organisation party's seal.
  const signer = typeof event.payload.signer === 'string' ? event.payload.signer : '';
  const person =
    signer === '' || (signer.startsWith('party:') && view.parties[Number(signer.slice(6))]?.kind !== 'organisation');
  return Object.fromEntries(
    Object.entries(event.payload).map(([k, v]) => {
      if (EVENT_PEOPLE.has(k) && Array.isArray(v)) {
        return [k, v.map((p: unknown) => (typeof p === 'string' ? lens.place(p) : p))];
      }
      if (typeof v !== 'string') return [k, v];
      if (k === 'witness' || (k === 'name' && person)) return [k, lens.name(v)];
      if (k === 'name' && signer.startsWith('party:')) return [k, lens.place(v)]; // an organisation's agent
      return [k, EVENT_TEXT.has(k) ? lens.text(v) : v];
    }),
  );
}
