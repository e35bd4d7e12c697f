/**
 * The boundary's checks of a remote meeting (issue 22 item 6) that a JSON schema cannot say in two
 * languages: a remote or mixed meeting needs its link, an https link without credentials; an on-site
 * or mixed one needs its place. Refused with 400 problem+json, the field named (the console maps it).
 */
import { scheduleMeetingProblems, type MeetingMode } from '../domain/remote-meeting';
import { AppError } from './errors';

export function checkActionBody(action: string, body: unknown): void {
  if (action !== 'schedule-meeting' || !body || typeof body !== 'object') return;
  const problems = scheduleMeetingProblems(
    body as { mode?: MeetingMode; place?: string; remoteLink?: string; remotePlatform?: string },
  );
  if (!problems.length) return;
  throw new AppError('validation_failed', problems.map((p) => p.message).join('；'), {
    errors: problems.map((p) => ({ field: `body/${p.field}`, message: p.message })),
  });
}
