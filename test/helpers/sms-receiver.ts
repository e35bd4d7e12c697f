/**
 * The SMS gateway adapter's test receiver: a loopback HTTP server that captures each SMS sent by the
 * generic HTTP gateway (JSON {to, text, key}, its HMAC checked) or by the Aliyun adapter (form-encoded
 * SendSms, answered like Dysmsapi). Tests read `messages`, and may make it fail for a while.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signature } from '../../activities/signed-post';

export interface CapturedSms {
  to: string;
  text: string;
  key: string;
  at: Date;
  /** The gateway's signature checked out (always true for Aliyun requests, which are checked by tests). */
  signed: boolean;
  /** The raw form of an Aliyun request. */
  form?: Record<string, string>;
}

export interface SmsReceiver {
  /** The generic gateway's URL (SMS_GATEWAY_URL). */
  url: string;
  /** The Aliyun endpoint (ALIYUN_SMS_ENDPOINT). */
  aliyunUrl: string;
  secret: string;
  messages: CapturedSms[];
  /** Requests received, including refused ones. */
  requests: number;
  /** Answer 503 to the next `n` requests (Infinity: always). */
  failNext(n: number): void;
  /** The messages to one phone. */
  to(phone: string): CapturedSms[];
  close(): Promise<void>;
}

export async function startSmsReceiver(secret = 'sms-gateway-test-secret-0123456789'): Promise<SmsReceiver> {
  const messages: CapturedSms[] = [];
  let failing = 0;
  let requests = 0;
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      if (failing > 0) {
        failing -= 1;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"busy"}');
        return;
      }
      seq += 1;
      if ((req.url ?? '').startsWith('/aliyun')) {
        const form = Object.fromEntries(new URLSearchParams(body));
        const content = (JSON.parse(form.TemplateParam ?? '{}') as { content?: string }).content ?? '';
        messages.push({
          to: form.PhoneNumbers ?? '',
          text: `【${form.SignName}】${content}`,
          key: form.OutId ?? '',
          at: new Date(),
          signed: true,
          form,
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ Code: 'OK', Message: 'OK', BizId: `biz-${seq}`, RequestId: `req-${seq}` }));
        return;
      }
      const ts = String(req.headers['x-fengqiao-timestamp'] ?? '');
      const signed = req.headers['x-fengqiao-signature'] === signature(secret, ts, body);
      if (!signed) {
        res.writeHead(401).end();
        return;
      }
      const m = JSON.parse(body) as { to: string; text: string; key: string };
      messages.push({ to: m.to, text: m.text, key: m.key, at: new Date(), signed });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `msg-${seq}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    aliyunUrl: `http://127.0.0.1:${port}/aliyun/`,
    secret,
    messages,
    get requests() {
      return requests;
    },
    failNext(n) {
      failing = n;
    },
    to: (phone) => messages.filter((m) => m.to === phone),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
