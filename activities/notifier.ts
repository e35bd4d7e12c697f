import type { EntityManager } from '@mikro-orm/postgresql';
import { maskName, maskText } from '../security/pii';
import { signedPost } from './signed-post';

/** A notice to people outside the system's screens: summonses and reminders. */
export interface Notice {
  /** Once per key: a retried activity sends nothing twice. */
  key: string;
  disputeId: string;
  kind:
    | 'meeting_summons'
    | 'meeting_reminder'
    | 'judicial_confirmation_reminder'
    | 'high_risk_referral'
    | 'enforcement_notice'
    | 'judicial_confirmation_rejected'
    | 'performance_urging'
    | 'performance_dispute_notice';
  recipients: string[];
  message: string;
}

export interface Notifier {
  readonly channel: string;
  send(notice: Notice): Promise<void>;
}

/** Writes notices to the log (the default: nothing leaves the machine). */
export class LogNotifier implements Notifier {
  readonly channel = 'log';
  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}
  async send(notice: Notice): Promise<void> {
    // The log is not the place for parties' names or numbers: recipients and message are masked.
    const to = notice.recipients.map((r) => (/^[a-z0-9-]+$/.test(r) ? r : maskName(r))).join(', ');
    this.log(`[notice ${notice.kind}] ${notice.key} to ${to}: ${maskText(notice.message)}`);
  }
}

/** POSTs notices as JSON to a URL, signed with HMAC-SHA256 over `<timestamp>.<body>`. */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}
  async send(notice: Notice): Promise<void> {
    const status = await signedPost(this.url, this.secret, JSON.stringify(notice), { 'idempotency-key': notice.key });
    // Non-2xx fails the activity, which Temporal retries with backoff.
    if (status < 200 || status >= 300) throw new Error(`notice webhook answered ${status}`);
  }
}

/** Sends a notice once: claims its key first, sends, and records the result. */
export async function sendNotice(em: EntityManager, notifier: Notifier, notice: Notice): Promise<void> {
  const claimed = await em.execute<{ key: string }[]>(
    `insert into notifications (key, dispute_id, kind, recipients, message, channel, status) values (?, ?, ?, ?, ?, ?, 'sending')
     on conflict (key) do update set status = notifications.status where notifications.status <> 'sent'
     returning key`,
    [notice.key, notice.disputeId, notice.kind, JSON.stringify(notice.recipients), notice.message, notifier.channel],
  );
  if (claimed.length === 0) return; // already sent
  await notifier.send(notice);
  await em.execute(`update notifications set status = 'sent' where key = ?`, [notice.key]);
}
