/**
 * Meetings in tests: an outcome (and the attendance) can be recorded only once the meeting has
 * started (issue 21 item 7), so a test convenes it a moment ahead and waits for its start.
 */

/** A meeting time `ms` from now (in the future, as `schedule-meeting` requires). */
export const meetingSoon = (ms = 1_500): string => new Date(Date.now() + ms).toISOString();

/** Waits until the meeting at `at` has started. */
export async function untilMeetingStarts(at: string): Promise<void> {
  const wait = Date.parse(at) - Date.now() + 50;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
