/**
 * 阿里云短信服务 (Dysmsapi) SendSms over HTTPS, signed with the RPC signature, version 1.0
 * (HMAC-SHA1), as Aliyun documents it (help.aliyun.com/document_detail/101343, "签名机制"; tested
 * against its worked example in test/notifications/aliyun-signature.test.ts). Hand-written: the
 * official SDK (@alicloud/dysmsapi20170525) is not installed and would add dozens of packages for
 * one signed POST.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SmsMessage, SmsSender, SendResult } from './channels';

/** POP percent-encoding: RFC 3986 unreserved characters kept, everything else %XX (UTF-8); space is %20, `*` %2A, `~` kept. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonicalized query string: parameters sorted by name (code unit order), each name=value percent-encoded. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
}

/** StringToSign = HTTPMethod & percentEncode("/") & percentEncode(CanonicalizedQueryString). */
export function stringToSign(method: string, params: Record<string, string>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). */
export function rpcSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

export interface AliyunSmsSettings {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** A notification template with one variable `${content}` (the whole text), approved by Aliyun. */
  templateCode: string;
  /** Default https://dysmsapi.aliyuncs.com/ (tests point it at a loopback receiver). */
  endpoint: string;
  regionId?: string;
}

/** SendSms, as a form-encoded POST; `Code: "OK"` is success, `BizId` the provider's message id. */
export class AliyunSms implements SmsSender {
  readonly provider = 'aliyun';
  constructor(
    private readonly settings: AliyunSmsSettings,
    private readonly clock: { now(): Date; nonce(): string } = { now: () => new Date(), nonce: randomUUID },
  ) {}

  /** The signed parameters of one SendSms (exposed for tests). */
  signedParams(message: SmsMessage): Record<string, string> {
    const s = this.settings;
    const params: Record<string, string> = {
      AccessKeyId: s.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: message.key.slice(0, 64),
      PhoneNumbers: message.to,
      RegionId: s.regionId ?? 'cn-hangzhou',
      SignName: s.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: this.clock.nonce(),
      SignatureVersion: '1.0',
      TemplateCode: s.templateCode,
      // The SignName is Aliyun's own 【…】 prefix: the text's is left out.
      TemplateParam: JSON.stringify({ content: message.text.replace(/^【[^】]*】/, '') }),
      Timestamp: this.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    return { ...params, Signature: rpcSignature('POST', params, s.accessKeySecret) };
  }

  async send(message: SmsMessage): Promise<SendResult> {
    const body = new URLSearchParams(this.signedParams(message)).toString();
    const res = await fetch(this.settings.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await res.json().catch(() => ({}))) as { Code?: string; Message?: string; BizId?: string };
    if (!res.ok || answer.Code !== 'OK')
      throw new Error(`aliyun SendSms: HTTP ${res.status} ${answer.Code ?? ''} ${answer.Message ?? ''}`.trim());
    return { providerMessageId: answer.BizId };
  }
}
