/**
 * The scale suite's own Temporal server: the CLI's dev server on ports of its own (gRPC, HTTP,
 * metrics; headless, in memory), and a namespace of the suite's own set up the way an operator
 * sets one up on a cluster (docs/temporal-cluster.md): `temporal operator namespace create
 * --retention`, then `temporal operator search-attribute create --namespace` for the app's
 * search attributes, one call per attribute.
 *
 * A worker's long poll is shortened to 5 s (dynamic config), so that readiness can tell a dead
 * worker within seconds (the API runs with READYZ_WORKER_MAX_AGE_SECONDS=12 here).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { freePort } from '../../temporal/dev-server';
import { temporalCliPath } from '../../temporal/tools';
import { SEARCH_ATTRIBUTES } from '../../workflows/dispute.messages';

const run = promisify(execFile);

const SA_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export const LONG_POLL_SECONDS = 5;

export interface ScaleTemporal {
  address: string;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(temporalCliPath(), args, { timeout: 30_000 });
  return stdout;
}

export async function startScaleTemporal(namespace: string): Promise<ScaleTemporal> {
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const child = spawn(
    temporalCliPath(),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--headless',
      '--log-level',
      'error',
      '--dynamic-config-value',
      `matching.longPollExpirationInterval="${LONG_POLL_SECONDS}s"`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  try {
    // Up when its gRPC frontend answers.
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`temporal dev server exited: ${stderr}`);
      try {
        const c = await Connection.connect({ address, connectTimeout: 1000 });
        await c.workflowService.getSystemInfo({});
        await c.close();
        break;
      } catch (err) {
        if (attempt > 100) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await cli([
      'operator',
      'namespace',
      'create',
      '--namespace',
      namespace,
      '--retention',
      '72h',
      '--address',
      address,
    ]);
    // One call per attribute: this CLI (1.9) takes several --name but registers only the first.
    for (const sa of SEARCH_ATTRIBUTES) {
      await cli([
        'operator',
        'search-attribute',
        'create',
        '--namespace',
        namespace,
        '--name',
        sa.name,
        '--type',
        SA_TYPE[sa.type]!,
        '--address',
        address,
      ]);
    }
    // Registered (the namespace and its attributes are visible to a client).
    const listed = await cli(['operator', 'search-attribute', 'list', '--namespace', namespace, '--address', address]);
    for (const sa of SEARCH_ATTRIBUTES)
      if (!listed.includes(sa.name)) throw new Error(`search attribute ${sa.name} not registered: ${listed}`);
    return { address, namespace, process: child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
