/** A small keep-alive HTTP/1.1 JSON client (node:http), so the API is measured over a real socket. */
import http from 'node:http';

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
}

export class HttpClient {
  private readonly agent: http.Agent;
  constructor(
    private readonly base: URL,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if ((res.headers['content-type'] ?? '').includes('json')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** A request that must answer `status`; otherwise an error with the whole answer. */
  async expect<T = any>(
    status: number,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const res = await this.request<T>(method, path, body, headers);
    if (res.status !== status)
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
      );
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
