/**
 * The channels a notice leaves by: SMS (a provider adapter: Aliyun, a generic HTTP gateway, or the
 * log), e-mail over SMTP (nodemailer), the signed webhook, the log. Each send resolves with the
 * provider's message id or rejects (the delivery workflow retries it with backoff).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { maskText } from '../security/pii';
import { createHmac } from 'node:crypto';

export interface SendResult {
  providerMessageId?: string;
}

export interface SmsMessage {
  /** Mainland mobile, digits only (the case's phone as entered, normalised by the service). */
  to: string;
  text: string;
  /** The notice key: the provider's idempotency / out id. */
  key: string;
}

export interface SmsSender {
  readonly provider: string;
  send(message: SmsMessage): Promise<SendResult>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  key: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<SendResult>;
}

/**
 * A generic HTTP SMS gateway: POST {to, text, key} as JSON, signed like the webhooks (HMAC-SHA256
 * over `<timestamp>.<body>`, headers x-fengqiao-timestamp / x-fengqiao-signature); 2xx is success,
 * a JSON answer's `id` (or `messageId`) the provider's message id.
 */
export class HttpSmsGateway implements SmsSender {
  readonly provider = 'http';
  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}
  async send(message: SmsMessage): Promise<SendResult> {
    const body = JSON.stringify({ to: message.to, text: message.text, key: message.key });
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Fengqiao-Notices/1',
        'idempotency-key': message.key,
        'x-fengqiao-timestamp': timestamp,
        // The webhooks' scheme (activities/signed-post.ts): sha256=<hex HMAC over `<timestamp>.<body>`>.
        'x-fengqiao-signature': `sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) throw new Error(`SMS gateway answered ${res.status}`);
    try {
      const parsed = JSON.parse(answer) as { id?: unknown; messageId?: unknown };
      const id = parsed.id ?? parsed.messageId;
      return { providerMessageId: id === undefined ? undefined : String(id).slice(0, 128) };
    } catch {
      return {};
    }
  }
}

/** The secrets a notice may carry (a one-time code, a party's link token), starred out for logs and the delivery log. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\/p\/(?:sign\/|status\/)?)[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]+)*/g, '$1…')
    .replace(/验证码\s*\d{4,8}/g, '验证码******')
    .replace(/\b(code|代码)\s*\d{4,8}\b/gi, '$1 ******');
}

/**
 * SMS to the log, masked (the default: nothing leaves the machine). One-time codes and link tokens
 * are shown only when `revealSecrets` (outside production, for a demo); otherwise starred out.
 */
export class LogSms implements SmsSender {
  readonly provider = 'log';
  constructor(
    private readonly log: (line: string) => void = (line) => console.log(line),
    private readonly revealSecrets = false,
  ) {}
  async send(message: SmsMessage): Promise<SendResult> {
    const text = this.revealSecrets ? message.text : redactSecrets(message.text);
    this.log(`[sms] ${message.key} to ${maskText(message.to)}: ${maskText(text)}`);
    return {};
  }
}

/** E-mail over SMTP with nodemailer (SMTP_URL: smtp://user:pass@host:587 or smtps://…:465). */
export class SmtpEmail implements EmailSender {
  private readonly transport: Transporter;
  constructor(
    smtpUrl: string,
    private readonly from: string,
    opts: { allowSelfSigned?: boolean } = {},
  ) {
    this.transport = nodemailer.createTransport(smtpUrl, {
      // Loopback test servers present a self-signed certificate; production verifies it.
      ...(opts.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
      connectionTimeout: 10_000,
      socketTimeout: 20_000,
    } as never);
  }
  async send(message: EmailMessage): Promise<SendResult> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      headers: { 'X-Fengqiao-Notice': message.key },
    });
    return { providerMessageId: String(info.messageId ?? '').slice(0, 128) || undefined };
  }
  close(): void {
    this.transport.close();
  }
}

/** E-mail to the log, masked. */
export class LogEmail implements EmailSender {
  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}
  async send(message: EmailMessage): Promise<SendResult> {
    this.log(`[email] ${message.key} to ${maskText(message.to).replace(/^[^@]+/, '***')}: ${message.subject}`);
    return {};
  }
}
