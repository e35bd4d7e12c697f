import { BENCH_PASSWORD, type BenchSystem } from './system';

/** Bearer headers for staff members, logged in once through the API (not timed). */
export async function staffHeaders(
  sys: BenchSystem,
  usernames: string[],
): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const username of usernames) {
    const body = await sys.api.expect<{ access_token: string }>(200, 'POST', '/api/v1/auth/token', {
      username,
      password: BENCH_PASSWORD,
    });
    out[username] = { authorization: `Bearer ${body.access_token}` };
  }
  return out;
}
