/** When a notice may go out, given the quiet hours (config/notifications.ts parses them). */
import type { QuietHours } from '../config/notifications';

export { DEFAULT_QUIET_HOURS, parseQuietHours, type QuietHours } from '../config/notifications';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** When a non-urgent notice may go out: `now` itself outside quiet hours, else the end of quiet hours. */
export function sendableAt(now: Date, quiet: QuietHours | undefined): Date {
  if (!quiet) return now;
  const local = new Date(now.getTime() + BEIJING_OFFSET_MS);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const inside =
    quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end;
  if (!inside) return now;
  const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - BEIJING_OFFSET_MS;
  let end = dayStart + quiet.end * 60_000;
  if (end <= now.getTime()) end += 24 * 3600_000;
  return new Date(end);
}
