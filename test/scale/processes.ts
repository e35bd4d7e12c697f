/**
 * The scale suite's processes: real worker processes (worker/main.ts, as `npm run worker` runs it)
 * and real API processes (api-child.ts → api/server.ts's startApi, as `npm run api`), run with
 * ts-node (transpile only, so nothing needs building), each configured by its environment only,
 * its output appended to a log file of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Where its health endpoints answer (the worker's WORKER_HEALTH_ADDRESS, the API's port). */
  baseUrl: string;
  startedAt: number;
}

export function spawnTs(
  name: string,
  script: string,
  env: Record<string, string>,
  logFile: string,
  baseUrl: string,
): Proc {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      TS_NODE_SWC: 'true',
      ...env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return { name, child, logFile, baseUrl, startedAt: Date.now() };
}

export function alive(p: Proc): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** Ends a process with `signal` and waits for it to be gone. */
export async function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!alive(p)) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill(signal);
  await exited;
}

export function logTail(p: Proc, lines = 30): string {
  try {
    return readFileSync(p.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface Probe {
  status: number;
  body: any;
}

/** GET `path` on the process; a refused connection is status 0. */
export async function probe(baseUrl: string, path: string): Promise<Probe> {
  try {
    const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** Polls until `pred` holds; resolves to the last probe and how long it took (ms). */
export async function until(
  what: string,
  fn: () => Promise<Probe>,
  pred: (p: Probe) => boolean,
  ms: number,
  procs: Proc[] = [],
  everyMs = 100,
): Promise<{ probe: Probe; ms: number }> {
  const start = Date.now();
  let last: Probe | undefined;
  for (;;) {
    last = await fn();
    if (pred(last)) return { probe: last, ms: Date.now() - start };
    const dead = procs.find((p) => !alive(p));
    if (Date.now() - start > ms || dead)
      throw new Error(
        `${what}: ${dead ? `${dead.name} exited` : `not after ${ms} ms`}; last answer ${last.status} ${JSON.stringify(last.body)}\n` +
          procs.map((p) => `--- ${p.name}\n${logTail(p)}`).join('\n'),
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
