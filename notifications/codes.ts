/**
 * One-time codes by SMS (the parties' page, signing on one's phone): urgent, sent at once in this
 * process (never held for quiet hours), logged in the delivery log with the code itself starred out,
 * once per key.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { maskText } from '../security/pii';
import type { SmsSender } from './channels';
import { enqueueDelivery, recordAttempt, markFailed } from './deliveries';
import { mobileOf } from './service';
import { signedSms } from './templates';

export interface CodeChannels {
  orm: MikroORM;
  sms: SmsSender;
  /** The SMS signature (default 枫桥调解). */
  signName?: string;
}

/**
 * Sends `text` (e.g. templates.oneTimeCodeText(code)) to `phone` now. Rejects when the phone is not a
 * mainland mobile or every attempt failed (the caller tells the person to try again); a key already
 * used sends nothing.
 */
export async function sendCodeSms(
  channels: CodeChannels,
  req: { phone: string; text: string; key: string; disputeId?: string },
): Promise<void> {
  const to = mobileOf(req.phone);
  if (!to) throw new Error('not a mainland mobile number');
  const em = channels.orm.em.fork();
  const text = signedSms(req.text, channels.signName);
  const id = await enqueueDelivery(em, {
    key: req.key,
    disputeId: req.disputeId,
    kind: 'one_time_code',
    channel: 'sms',
    recipient: to,
    // The log keeps no usable code.
    text: text.replace(/\d/g, '*'),
    urgent: true,
    status: 'queued',
  });
  if (!id) return;
  let last = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
    try {
      const result = await channels.sms.send({ to, text, key: req.key });
      await recordAttempt(em, id, { ok: true, providerMessageId: result.providerMessageId });
      return;
    } catch (err) {
      last = maskText((err as Error).message);
      await recordAttempt(em, id, { ok: false, error: last });
    }
  }
  await markFailed(em, id, last);
  throw new Error(`code SMS not sent: ${last}`);
}
