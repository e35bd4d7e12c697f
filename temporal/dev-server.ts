/**
 * Runs the Temporal CLI dev server from the project's tools folder: a SQLite file (WAL) under data/
 * or in memory, the app's search attributes registered. Used by `npm start` and by the test setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/dispute.messages';
import { temporalCliPath } from './tools';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const SA_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The embedded server's SQLite settings: write-ahead log, synced at every commit (synchronous=full).
 * With synchronous=normal a commit Temporal has acknowledged can still be lost to a power cut or an
 * OS crash (SQLite syncs the log only at checkpoints), while PostgreSQL keeps what the case's
 * activities wrote: a case could then come back without an action whose event the audit trail
 * already holds, and its next event would take that event's number. Full costs the dispute
 * lifecycle about 6 % of its throughput here (`npx ts-node --transpile-only bench/knobs.ts
 * --knob=sqlite --settings=full,normal`).
 */
export const DEFAULT_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=full', 'busy_timeout=5000'];

/** A start that lost a race for a port: the CLI picks its HTTP API, metrics and membership ports itself. */
function lostPortRace(stderr: string): boolean {
  return /address already in use/i.test(stderr);
}

export async function startDevServer(opts: {
  dbFile?: string; // omitted: in memory
  port?: number;
  uiPort?: number;
  headless?: boolean;
  logLevel?: string;
  /** SQLite pragmas of a file-backed server (default: WAL, synchronous=full, a 5 s busy timeout). */
  sqlitePragmas?: string[];
}): Promise<DevServer> {
  // The CLI finds free ports for its HTTP API and metrics by binding and closing them, so another
  // process (a client's outgoing connection, a parallel test's server) can take one before the
  // server binds it; it then exits with "address already in use". Such a start is retried (with a
  // new gRPC port unless the caller fixed one); a CI run failed this way once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(opts);
    } catch (err) {
      if (!(err instanceof DevServerExited) || !lostPortRace(err.stderr) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

class DevServerExited extends Error {
  constructor(
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`temporal dev server exited (${code}): ${stderr}`);
  }
}

async function launch(opts: Parameters<typeof startDevServer>[0]): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    opts.logLevel ?? 'warn',
  ];
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    for (const pragma of opts.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort ?? port + 1000));
  for (const key of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${SA_TYPE[key.type]}`);

  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // 'close' comes after 'exit' once stderr has ended, so the reason the CLI printed is all there.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // If this process ends without stopping the server (a crash, an exit), take the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const address = `127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      process.removeListener('exit', killOnExit);
      // The whole of stderr, unless something the CLI started still holds it open after 1 s.
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      throw new DevServerExited(child.exitCode, stderr);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        process.removeListener('exit', killOnExit);
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address}: ${String(err)} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: opts.headless ? undefined : `http://127.0.0.1:${opts.uiPort ?? port + 1000}`,
    process: child,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
