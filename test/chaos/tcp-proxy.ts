/**
 * A TCP proxy in front of PostgreSQL for the chaos suite: the worker and the API connect through it,
 * so the suite can make the database unreachable for them (the shared server itself stays up).
 * `cut()` closes every open connection and refuses new ones until `restore()`.
 */
import net from 'node:net';

export class TcpProxy {
  private server?: net.Server;
  /** Open connections: the client's socket and the one to the database. */
  private readonly open = new Map<net.Socket, net.Socket>();
  private down = false;
  readonly stats = { accepted: 0, refused: 0, severed: 0 };

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free port of 127.0.0.1; resolves to the port. */
  async listen(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  get isDown(): boolean {
    return this.down;
  }

  /** The database becomes unreachable: open connections are closed, new ones refused. */
  cut(): void {
    this.down = true;
    // destroy(), not resetAndDestroy(): a reset racing the graceful end that pipe() may have begun
    // leaves the TCP handle behind, and the test process then never exits (it spins at teardown).
    for (const [client, upstream] of this.open) {
      this.stats.severed += 1;
      client.destroy();
      upstream.destroy();
    }
    this.open.clear();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.down) {
      this.stats.refused += 1;
      client.destroy();
      return;
    }
    this.stats.accepted += 1;
    const upstream = net.connect(this.target.port, this.target.host);
    this.open.set(client, upstream);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      socket.setNoDelay(true);
      socket.on('error', () => undefined); // a broken connection is the point; both ends are closed below
      socket.on('close', () => {
        this.open.delete(client);
        other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
