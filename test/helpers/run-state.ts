import type { DevServer } from '../../temporal/dev-server';

/** What global setup started, kept on globalThis for global teardown (same process). */
interface RunState {
  server: DevServer;
  adminUrl: string;
  dbName: string;
  bundlePath: string;
}

const KEY = Symbol.for('fengqiao.test.run-state');
type Holder = { [KEY]?: RunState };

export const runState = {
  set(state: RunState): void {
    (globalThis as Holder)[KEY] = state;
  },
  get(): RunState | undefined {
    return (globalThis as Holder)[KEY];
  },
};

export const TEST_PASSWORD = 'test-password-123';
export const TEST_API_KEY = 'fq_live_test_key_0123456789abcdefghijklmnop';
