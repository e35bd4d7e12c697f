/**
 * A party's phone browser for the signing page, driven with `inject`: it keeps its cookies, submits
 * the page's forms as a browser without JavaScript would (urlencoded, with their hidden fields), and
 * reads what the page says. And a capture of the SMS the system sends (AppDeps.sendCode).
 */
import type { LightMyRequestResponse } from 'fastify';
import type { TestSystem } from '../helpers/system';

export interface Sms {
  phone: string;
  text: string;
  key: string;
}

/** The SMS sender the tests inject: keeps what it was asked to send. */
export function smsCapture(): { sent: Sms[]; sendCode: (sms: Sms) => Promise<void>; lastCode(phone: string): string } {
  const sent: Sms[] = [];
  return {
    sent,
    sendCode: async (sms) => {
      sent.push(sms);
    },
    lastCode(phone) {
      const sms = [...sent].reverse().find((s) => s.phone === phone && /验证码\d{6}/.test(s.text));
      if (!sms) throw new Error(`no code sent to ${phone}`);
      return /验证码(\d{6})/.exec(sms.text)![1]!;
    },
  };
}

/** Visible text of a page (tags dropped, entities of the escaper decoded). */
export function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

export class Phone {
  readonly cookies = new Map<string, string>();
  /** The last page's forms' hidden fields, by action. */
  forms = new Map<string, Record<string, string>>();
  last?: LightMyRequestResponse;

  constructor(private readonly sys: TestSystem) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const set = res.headers['set-cookie'];
    for (const c of [set ?? []].flat()) {
      const [pair] = String(c).split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (/Max-Age=0/i.test(String(c)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    this.forms = new Map();
    for (const m of res.body.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)) {
      const fields: Record<string, string> = {};
      for (const h of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[h[1]!] = h[2]!;
      this.forms.set(m[1]!, fields);
    }
    this.last = res;
    return res;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async open(url: string): Promise<LightMyRequestResponse> {
    const path = new URL(url).pathname;
    return this.keep(await this.sys.app.inject({ method: 'GET', url: path, headers: { cookie: this.cookieHeader() } }));
  }

  /** Submits the form of the last page that posts to `action`, with `fields` filled in (or overridden). */
  async submit(action: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const hidden = this.forms.get(action);
    if (!hidden) throw new Error(`the page has no form posting to ${action}: ${textOf(this.last?.body ?? '')}`);
    return this.post(action, { ...hidden, ...fields });
  }

  /** A raw form post (to replay an old form, or forge one). */
  async post(action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.sys.app.inject({
        method: 'POST',
        url: action,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  get text(): string {
    return textOf(this.last?.body ?? '');
  }
}
