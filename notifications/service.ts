/**
 * The notification service: decides who gets which notice on which channel, on the side of what
 * the case records (events, the workflow's own notices, alerts), logs each delivery before sending
 * (consent checked; quiet hours applied) and hands each queued one to its own small workflow
 * (workflows/notice-delivery.workflow.ts), which waits out quiet hours and retries with backoff.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContactPreference } from '../db/entities';
import type { DisputeEvent, DisputeView } from '../domain/types';
import { maskText } from '../security/pii';
import type { EmailSender, SmsSender } from './channels';
import { enqueueDelivery, findDelivery, markFailed, queuedIds, recordAttempt, type NewDelivery } from './deliveries';
import { sendableAt, type QuietHours } from './quiet-hours';
import { noticeText, signedSms, type NoticeData, type NoticeKind } from './templates';

/** The parties' page links (H3's parties/links.ts): required wherever a notice carries a link. */
export type LinkFor = (req: {
  disputeId: string;
  partyIndex: number;
  purpose: 'case' | 'sign';
}) => Promise<string> | string;

export interface NotificationServiceDeps {
  sms: SmsSender;
  email?: EmailSender;
  linkFor: LinkFor;
  quietHours?: QuietHours;
  /** The SMS signature; Aliyun adds its SignName itself. */
  signName?: string;
  retry?: { initialRetryMs: number; maxAttempts: number };
  now?: () => Date;
}

/** What the workflow's sendNotice carries (activities/notifier.ts Notice), as far as this service reads it. */
export interface WorkflowNotice {
  key: string;
  disputeId: string;
  kind: string;
  recipients: string[];
}

/** Starts the delivery workflow of one queued row (idempotent per id). */
export type DeliveryStarter = (deliveryId: string, notBefore: Date | null) => Promise<void>;

interface Recipient {
  /** Delivery key prefix for this person: `p<index>`, `a<agency>`, `u<user>`. */
  tag: string;
  phone?: string;
  email?: string;
  /** Consent to be contacted, and the channels allowed. Agencies' and opted-in supervisors' contacts count as given. */
  consent: boolean;
  channels: Array<'sms' | 'email'>;
}

/** Mainland mobile digits (+86/0086, spaces and hyphens dropped), or undefined when it is not one. */
export function mobileOf(phone: string | undefined): string | undefined {
  const digits = (phone ?? '').replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}

export class NotificationService {
  readonly retry: { initialRetryMs: number; maxAttempts: number };
  constructor(readonly deps: NotificationServiceDeps) {
    this.retry = deps.retry ?? { initialRetryMs: 30_000, maxAttempts: 8 };
  }
  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Logs one notice per channel for one person (queued or skipped) and starts the queued ones. */
  private async notify(
    em: EntityManager,
    start: DeliveryStarter,
    base: { key: string; disputeId?: string; kind: NoticeKind; urgent?: boolean },
    who: Recipient,
    data: NoticeData | (() => Promise<NoticeData>),
  ): Promise<void> {
    const addresses = { sms: mobileOf(who.phone), email: who.email || undefined };
    const wanted = (['sms', 'email'] as const).filter((c) => addresses[c] && (c === 'sms' || this.deps.email));
    const rows: NewDelivery[] = [];
    const key = (c: string) => `${base.key}:${who.tag}:${c}`;
    if (!who.consent || wanted.length === 0) {
      // Logged as skipped (one row per address, or one for the person) so staff see why nothing went.
      const reason = !who.consent ? 'no_consent' : 'no_address';
      for (const c of wanted.length ? wanted : (['sms'] as const))
        rows.push({
          ...base,
          key: key(c),
          channel: c,
          recipient: addresses[c] ?? '',
          text: '',
          urgent: !!base.urgent,
          status: 'skipped',
          reason,
        });
    } else {
      const resolved = typeof data === 'function' ? await data() : data;
      const text = noticeText(base.kind, resolved);
      const notBefore = base.urgent ? undefined : sendableAt(this.now(), this.deps.quietHours);
      for (const c of wanted) {
        const allowed = who.channels.includes(c);
        rows.push({
          ...base,
          key: key(c),
          channel: c,
          recipient: addresses[c]!,
          subject: c === 'email' ? text.subject : undefined,
          text: allowed ? (c === 'sms' ? signedSms(text.sms, this.deps.signName) : text.email) : '',
          urgent: !!base.urgent,
          notBefore: notBefore && notBefore > this.now() ? notBefore : undefined,
          status: allowed ? 'queued' : 'skipped',
          reason: allowed ? undefined : 'channel_not_allowed',
        });
      }
    }
    for (const row of rows) await enqueueDelivery(em, row);
    // Queued rows of these keys not yet sent: started (again); a running workflow with the id is left alone.
    for (const q of await queuedIds(
      em,
      rows.map((r) => r.key),
    ))
      await start(q.id, q.notBefore);
  }

  private async party(em: EntityManager, view: DisputeView, i: number): Promise<Recipient> {
    const p = view.parties[i];
    const pref = await em.findOne(ContactPreference, { id: `${view.disputeId}:${i}` });
    return {
      tag: `p${i}`,
      phone: p?.phone ?? p?.legalRepresentative?.phone,
      email: pref?.email ?? undefined,
      consent: !!pref?.consent,
      channels: pref?.channels ?? [],
    };
  }

  /** The parties' notices of one recorded step (events appended by recordEvent(s)). */
  async onRecorded(
    em: EntityManager,
    start: DeliveryStarter,
    { events, view }: { events: DisputeEvent[]; view: DisputeView },
  ): Promise<void> {
    const n = view.caseNumber;
    const all = view.parties.map((_, i) => i);
    const link = (i: number, purpose: 'case' | 'sign') => async () => ({
      caseNumber: n,
      link: await this.deps.linkFor({ disputeId: view.disputeId, partyIndex: i, purpose }),
    });
    for (const e of events) {
      const base = (kind: NoticeKind, suffix: string) => ({
        key: `${view.disputeId}:${suffix}`,
        disputeId: view.disputeId,
        kind,
      });
      const m = view.meeting;
      const meetingData = (): NoticeData => ({
        caseNumber: n,
        at: m?.at,
        place: m?.place,
        remoteLink:
          (m as { remote?: { link?: string }; remoteLink?: string } | undefined)?.remote?.link ??
          (m as { remoteLink?: string } | undefined)?.remoteLink,
      });
      switch (e.type) {
        case 'accepted':
          for (const i of all)
            await this.notify(
              em,
              start,
              base('acceptance', `acceptance:${e.seq}`),
              await this.party(em, view, i),
              link(i, 'case'),
            );
          break;
        case 'meeting_scheduled':
        case 'meeting_reminder_sent':
          if (!m) break;
          await this.agencies(
            em,
            start,
            view,
            `${view.disputeId}:${e.type === 'meeting_scheduled' ? 'summons' : 'reminder'}:${m.round}`,
            e.type !== 'meeting_scheduled',
          );
          for (const i of m.parties)
            await this.notify(
              em,
              start,
              base(
                e.type === 'meeting_scheduled' ? 'meeting_invitation' : 'meeting_reminder',
                `${e.type === 'meeting_scheduled' ? 'invitation' : 'reminder'}:${m.round}`,
              ),
              await this.party(em, view, i),
              meetingData(),
            );
          break;
        case 'agreement_drafted':
          for (const i of all)
            await this.notify(
              em,
              start,
              base('agreement_to_sign', `sign:${view.agreement?.round ?? e.seq}`),
              await this.party(em, view, i),
              link(i, 'sign'),
            );
          break;
        case 'agreement_effective': {
          const dueAt = view.deadlines?.judicial_confirmation?.dueAt;
          if (!dueAt) break;
          for (const i of all)
            await this.notify(
              em,
              start,
              base('judicial_window', `judicial:${view.agreement?.round ?? e.seq}`),
              await this.party(em, view, i),
              { caseNumber: n, dueAt },
            );
          break;
        }
        case 'follow_up_due':
          for (const i of all)
            await this.notify(
              em,
              start,
              base('follow_up', `follow-up:${e.seq}`),
              await this.party(em, view, i),
              link(i, 'case'),
            );
          break;
      }
    }
  }

  /** The summoned agencies' representatives, at the directory's contact (agencies.contact_phone / contact_email). */
  private async agencies(
    em: EntityManager,
    start: DeliveryStarter,
    view: DisputeView,
    key: string,
    reminder: boolean,
  ): Promise<void> {
    const m = view.meeting;
    const codes = (m?.agencies ?? []).filter((a) => !reminder || a.answer !== 'declined').map((a) => a.code);
    if (!m || codes.length === 0) return;
    const rows = await em.execute<{ code: string; contact_phone: string | null; contact_email: string | null }[]>(
      `select code, contact_phone, contact_email from agencies where code in (${codes.map(() => '?').join(', ')}) order by code`,
      codes,
    );
    for (const a of rows)
      await this.notify(
        em,
        start,
        { key, disputeId: view.disputeId, kind: reminder ? 'meeting_reminder' : 'agency_invitation' },
        // The directory's contact is the agency's own, given for these invitations: no personal consent to ask.
        {
          tag: `a${a.code}`,
          phone: a.contact_phone ?? undefined,
          email: a.contact_email ?? undefined,
          consent: true,
          channels: ['sms', 'email'],
        },
        { caseNumber: view.caseNumber, at: m.at, place: m.place, unitName: m.convenor?.name ?? view.unit?.name },
      );
  }

  /**
   * The workflow's own notices (sendNotice): a summons or reminder reaches the agencies' contacts.
   * The notice may run before its step is recorded; the recorded meeting_scheduled / meeting_reminder_sent
   * event plans the same deliveries under the same keys, so whichever comes first sends, once.
   */
  async onNotice(em: EntityManager, start: DeliveryStarter, notice: WorkflowNotice): Promise<void> {
    if (notice.kind !== 'meeting_summons' && notice.kind !== 'meeting_reminder') return;
    const [row] = await em.execute<{ state: DisputeView }[]>(`select state from disputes where id = ?`, [
      notice.disputeId,
    ]);
    const round = Number(notice.key.split(':').pop());
    if (!row?.state.meeting || row.state.meeting.round !== round) return;
    await this.agencies(em, start, row.state, notice.key, notice.kind === 'meeting_reminder');
  }

  /** A high-risk alert also goes by SMS, at once, to the supervisors above the case who opted in. */
  async onAlert(
    em: EntityManager,
    start: DeliveryStarter,
    req: { disputeId: string; caseNumber?: string; kind: string; stageEntry: number; unitCode: string },
  ): Promise<void> {
    if (req.kind !== 'high_risk') return;
    const users = await em.execute<{ id: string; phone: string }[]>(
      `select u.id, u.phone from users u join units mine on mine.code = u.unit_code join units target on target.code = ?
       where u.role = 'supervisor' and u.active and u.sms_alerts and u.phone is not null and target.path like mine.path || '%'`,
      [req.unitCode],
    );
    const [unit] = await em.execute<{ name: string }[]>(`select name from units where code = ?`, [req.unitCode]);
    for (const u of users)
      await this.notify(
        em,
        start,
        {
          key: `alert:${req.disputeId}:${req.kind}:${req.stageEntry}`,
          disputeId: req.disputeId,
          kind: 'high_risk_alert',
          urgent: true,
        },
        { tag: `u${u.id}`, phone: u.phone, consent: true, channels: ['sms'] },
        { caseNumber: req.caseNumber ?? req.disputeId, unitName: unit?.name },
      );
  }

  /** One attempt at a queued delivery (the delivery workflow's activity): sent ones send nothing. */
  async deliver(em: EntityManager, deliveryId: string): Promise<void> {
    const d = await findDelivery(em, deliveryId);
    if (!d || d.status !== 'queued') return;
    try {
      const result =
        d.channel === 'sms'
          ? await this.deps.sms.send({ to: d.recipient, text: d.text, key: d.key })
          : await this.deps.email!.send({ to: d.recipient, subject: d.subject ?? '', text: d.text, key: d.key });
      await recordAttempt(em, deliveryId, { ok: true, providerMessageId: result.providerMessageId });
    } catch (err) {
      const error = maskText((err as Error).message ?? String(err));
      await recordAttempt(em, deliveryId, { ok: false, error });
      throw new Error(`notice ${d.key}: ${error}`);
    }
  }

  async markFailed(em: EntityManager, req: { deliveryId: string; error: string }): Promise<void> {
    await markFailed(em, req.deliveryId, maskText(req.error));
  }
}
