/** HTTP calls of the scale suite on the API processes, retried as a careful integrator retries. */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { TEST_PASSWORD } from '../helpers/run-state';

export type Headers = Record<string, string>;

/** A "not now" answer worth the same request again (same Idempotency-Key): 5xx, 409 in flight or busy. */
function transient(status: number, body: string): boolean {
  if (status === 0 || status >= 500) return true;
  if (status !== 409) return false;
  try {
    const p = JSON.parse(body) as { code?: string; detail?: string };
    return p.code === 'request_in_flight' || (p.code === 'action_refused' && /try again/.test(p.detail ?? ''));
  } catch {
    return false;
  }
}

/** POST `body` with an Idempotency-Key, again while the answer is transient (up to `ms`); the final answer. */
export async function post(
  baseUrl: string,
  url: string,
  headers: Headers,
  body: object,
  opts: { key?: string; ms?: number } = {},
): Promise<{ status: number; json: any; tries: number }> {
  const key = opts.key ?? randomUUID();
  const deadline = Date.now() + (opts.ms ?? 60_000);
  for (let tries = 1; ; tries++) {
    let status = 0;
    let text = '';
    try {
      const res = await fetch(`${baseUrl}${url}`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = String(err);
    }
    if (!transient(status, text) || Date.now() > deadline) {
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status, json, tries };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function get(baseUrl: string, url: string, headers: Headers): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}${url}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

export async function login(baseUrl: string, username: string): Promise<Headers> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username} on ${baseUrl}: ${res.status} ${await res.text()}`);
  return { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
}

export interface AlertStream {
  status: number;
  /** The alerts received (the `data` of each event). */
  alerts: Array<{ id: string; disputeId: string; kind: string; unitCode: string }>;
  close(): void;
}

/** Opens `GET /api/v1/alerts/stream` as a browser's EventSource would; resolves once it is established. */
export function openAlertStream(baseUrl: string, headers: Headers): Promise<AlertStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/api/v1/alerts/stream`, {
      headers: { ...headers, accept: 'text/event-stream' },
      agent: false,
    });
    const stream: AlertStream = { status: 0, alerts: [], close: () => req.destroy() };
    let buffer = '';
    req.on('error', reject);
    req.on('response', (res) => {
      stream.status = res.statusCode ?? 0;
      if (stream.status !== 200) resolve(stream);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const line of block.split('\n'))
            if (line.startsWith('data:')) stream.alerts.push(JSON.parse(line.slice(5)) as AlertStream['alerts'][0]);
        }
        resolve(stream);
      });
      res.on('error', () => undefined);
    });
  });
}
