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
    reason: 'meeting_details',
    errors: problems.map((p) => {
      const limit = /at most (\d+) characters/.exec(p.message)?.[1];
      return {
        field: `body/${p.field}`,
        message: p.message,
        code: codeOf(p.message),
        ...(limit ? { params: { limit: Number(limit) } } : {}),
      };
    }),
  });
}

/** The machine code of a remote meeting's field problem (domain/remote-meeting.ts says it in words). */
function codeOf(message: string): string {
  if (/needs its (link|place)/.test(message)) return 'required';
  if (/at most \d+ characters/.test(message)) return 'max_length';
  if (/must be an https:\/\/ URL/.test(message)) return 'https_required';
  if (/user name or password/.test(message)) return 'credentials_in_link';
  return 'bad_link';
}
