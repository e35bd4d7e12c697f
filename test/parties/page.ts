/** Driving the parties' pages as a phone's browser would: cookies kept, forms posted with their CSRF token. */
import type { LightMyRequestResponse } from 'fastify';
import type { TestSystem } from '../helpers/system';

export class PhoneBrowser {
  private cookies = new Map<string, string>();
  constructor(
    private readonly sys: TestSystem,
    readonly ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`,
  ) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const set = res.headers['set-cookie'];
    for (const c of [set ?? []].flat()) {
      const [pair] = String(c).split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(String(c))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
  forget(name: string): void {
    this.cookies.delete(name);
  }

  private header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.sys.app.inject({ url, headers: this.header(), remoteAddress: this.ip }));
  }

  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.sys.app.inject({
        method: 'POST',
        url,
        headers: { ...this.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
        remoteAddress: this.ip,
      }),
    );
  }

  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: Array<{ field: string; name: string; type: string; body: Buffer }> = [],
  ): Promise<LightMyRequestResponse> {
    const boundary = `----fq${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    for (const [k, v] of Object.entries(fields))
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    for (const f of files) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`,
        ),
      );
      chunks.push(f.body, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return this.keep(
      await this.sys.app.inject({
        method: 'POST',
        url,
        headers: { ...this.header(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(chunks),
        remoteAddress: this.ip,
      }),
    );
  }
}

/** A hidden field's value in a page's HTML. */
export function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no field ${name} in the page`);
  return m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** The page's text without tags (what a reader sees). */
export const textOf = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
