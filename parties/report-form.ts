/**
 * The public report form (/p/report): its anti-spam checks and the intake it makes.
 *
 * Spam without third-party services: a hidden honeypot field people never fill; a form token signed
 * by the server (HMAC under the party secret) that says when the form was served, so a submission
 * faster than MIN_FILL_MS or older than MAX_AGE_MS is refused; at most MAX_LINKS web links in the
 * text; and the rate limits of the route (per IP). The case then goes through reportCase like any
 * API report (api/report-case.ts: the same schema, people rules and directory check).
 *
 * Who the reporter is (domain/people.ts; 人民调解法 Art. 17): a resident reporting their own dispute
 * applies for mediation: they are a party (申请人), the case comes `party_application`. Someone
 * reporting a dispute between others (a neighbour, an owner of the estate) is its 反映人, never a
 * party and never a signer: the case comes `ex_officio` (the committee mediates of its own motion,
 * Art. 17), the sides they name are its parties, to be confirmed by the mediator.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DisputeIntake, Party } from '../domain/types';
import { CATEGORIES, type Category } from '../domain/lifecycle';

export const MIN_FILL_MS = 3_000;
export const MAX_AGE_MS = 2 * 3600_000;
export const MAX_LINKS = 2;
export const HONEYPOT_FIELD = 'website';
export const PUBLIC_FORM_CHANNEL = 'public-form';

export function reportFormToken(secret: Buffer, now: Date = new Date()): string {
  const body = `${now.getTime().toString(36)}.${randomBytes(9).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(`report-form\0${body}`).digest('base64url')}`;
}

export type FormTokenProblem = 'invalid' | 'too_fast' | 'expired';

/** Why a form token is not acceptable now, or undefined when it is. */
export function formTokenProblem(secret: Buffer, token: unknown, now: Date = new Date()): FormTokenProblem | undefined {
  if (typeof token !== 'string' || token.length > 120) return 'invalid';
  const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return 'invalid';
  const body = `${m[1]}.${m[2]}`;
  const want = createHmac('sha256', secret).update(`report-form\0${body}`).digest();
  const got = Buffer.from(m[3] as string, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'invalid';
  const age = now.getTime() - parseInt(m[1] as string, 36);
  if (age < MIN_FILL_MS) return 'too_fast';
  if (age > MAX_AGE_MS) return 'expired';
  return undefined;
}

export const countLinks = (text: string): number => (text.match(/(https?:\/\/|www\.)/gi) ?? []).length;

export interface ReportFormFields {
  category?: string;
  gridCode?: string;
  lat?: string;
  long?: string;
  title?: string;
  description?: string;
  name?: string;
  phone?: string;
  /** 'party': reporting one's own dispute (applicant); 'reporter': reporting others' (反映人). */
  who?: string;
  relation?: string;
  otherParty?: string;
  consent?: string;
  [key: string]: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The report as an intake (validated by reportCase's schema check and people rules next). */
export function intakeFromForm(
  form: ReportFormFields,
  gridCode: string,
  point?: { lat: number; long: number },
): DisputeIntake {
  const name = str(form.name);
  const phone = str(form.phone).replace(/\s+/g, '');
  const description = str(form.description);
  const other = str(form.otherParty);
  const category = (CATEGORIES as readonly string[]).includes(str(form.category))
    ? (str(form.category) as Category)
    : ('other' as Category);
  const title = str(form.title) || [...description.replace(/\s+/g, ' ')].slice(0, 30).join('');
  // A map point is kept in the description: the case has no coordinates of its own.
  const where = point ? `\n（上报位置：北纬 ${point.lat}，东经 ${point.long}）` : '';
  const base = {
    gridCode,
    category,
    priority: 'normal' as const,
    title,
    description: `${description}${where}`,
    channel: PUBLIC_FORM_CHANNEL,
  };
  if (str(form.who) === 'party') {
    const parties: Party[] = [
      { name, role: 'applicant', kind: 'person', ...(phone ? { phone } : {}) },
      ...(other ? [{ name: other, role: 'respondent' as const, kind: 'person' as const }] : []),
    ];
    return { ...base, parties, source: 'party_application' };
  }
  const sides = other
    .split(/[、,，;；\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 5);
  return {
    ...base,
    parties: sides.map((s, i) => ({ name: s, role: i === 0 ? 'applicant' : 'respondent', kind: 'person' }) as Party),
    source: 'ex_officio',
    reporter: { name, relation: str(form.relation) || '群众', ...(phone ? { phone } : {}) },
  };
}

/** A reporter's (反映人's) link to the case's progress only: the case id, signed; nothing personal in it. */
export function reporterStatusToken(secret: Buffer, disputeId: string): string {
  const body = Buffer.from(disputeId, 'utf8').toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`report-status\0${body}`).digest('base64url')}`;
}

export function readReporterStatusToken(secret: Buffer, token: string): string | undefined {
  const m = /^([A-Za-z0-9_-]{1,100})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const want = createHmac('sha256', secret).update(`report-status\0${m[1]}`).digest();
  const got = Buffer.from(m[2] as string, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
  return Buffer.from(m[1] as string, 'base64url').toString('utf8');
}
