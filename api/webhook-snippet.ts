/**
 * The receiver's check of a webhook delivery, as integrators copy it: printed in the OpenAPI
 * document (api/webhook-docs.ts) and in docs/webhooks.md, which must hold the same text
 * (test/api/webhook-docs.test.ts extracts it from docs/webhooks.md and runs it against a real delivery).
 */
export const VERIFY_SNIPPET = String.raw`import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How old a delivery's timestamp may be (and how far ahead, for clock skew): 5 minutes. */
const TOLERANCE_SECONDS = 300;

/**
 * Whether a webhook request comes from Fengqiao and is fresh. Pass the RAW body (the bytes received,
 * before any JSON parsing) and the X-Fengqiao-Timestamp and X-Fengqiao-Signature headers as received.
 * Never throws: a missing, repeated, short or malformed header is simply false.
 */
export function verifyFengqiaoWebhook(
  secret: string,
  rawBody: string | Buffer,
  timestampHeader: string | string[] | undefined,
  signatureHeader: string | string[] | undefined,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string') return false;
  if (!/^\d{1,12}$/.test(timestampHeader)) return false;
  const age = nowSeconds - Number(timestampHeader);
  if (age > TOLERANCE_SECONDS || age < -TOLERANCE_SECONDS) return false; // replayed, or a wrong clock
  const expected =
    'sha256=' + createHmac('sha256', secret).update(timestampHeader + '.').update(rawBody).digest('hex');
  // timingSafeEqual throws on inputs of unequal length: compare digests of both, always 32 bytes.
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(signatureHeader).digest();
  return timingSafeEqual(a, b);
}
`;
