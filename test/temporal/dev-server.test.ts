/**
 * The embedded dev server (the real CLI from .tools/) when its port is taken: the CLI exits with
 * "address already in use"; startDevServer starts it again, so a port freed a moment later (the race
 * a CI run once lost) still gives a server, and a port that stays taken gives the CLI's own reason.
 */
import net from 'node:net';
import { freePort, startDevServer } from '../../temporal/dev-server';

/** Holds a port; connections it is offered are dropped at once, so no client is left on it. */
async function occupy(port: number): Promise<net.Server> {
  const srv = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve());
  });
  return srv;
}

const close = (srv: net.Server) =>
  new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()));

describe('startDevServer when its port is taken', () => {
  jest.setTimeout(90_000);

  it('starts again and answers once the port is free', async () => {
    const port = await freePort();
    const holder = await occupy(port);
    const release = setTimeout(() => void close(holder), 1500);
    const server = await startDevServer({ port, headless: true, logLevel: 'error' }).finally(() =>
      clearTimeout(release),
    );
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.process.exitCode).toBeNull();
    } finally {
      await server.stop();
      await close(holder);
    }
  });

  it('gives up with the CLI’s own reason when the port stays taken', async () => {
    const port = await freePort();
    const holder = await occupy(port);
    try {
      await expect(startDevServer({ port, headless: true, logLevel: 'error' })).rejects.toThrow(
        /exited \(1\).*address already in use/s,
      );
    } finally {
      await close(holder);
    }
  });
});
