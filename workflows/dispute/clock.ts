/**
 * The deadline clock: one timer for the whole case, set for the earliest warning or due instant of
 * any running deadline, planned again whenever an action moves a deadline or the stage; and what
 * each deadline's warning and breach set off (alerts, escalation, reminders, notices).
 */
import { condition } from '@temporalio/workflow';
import { beijingDateTime } from '../../domain/beijing-time';
import { meetingWhereZh, remoteJoinZh } from '../../domain/remote-meeting';
import type { Deadline } from '../../domain/types';
import { SYSTEM, type DisputeCase } from './case';
import { superviseReportIn } from './meeting';
import { escalate } from './transitions';
import { superviseAcceptBreach } from './committee';

type Trigger = { deadline: Deadline; phase: 'warn' | 'due'; at: string };

/** The earliest instant at which a running deadline warns or falls due. */
function nextTrigger(c: DisputeCase): Trigger | undefined {
  let best: Trigger | undefined;
  for (const d of Object.values(c.deadlines())) {
    if (!d || d.pausedAt || d.breached) continue;
    const phase = d.warned ? 'due' : 'warn';
    const at = phase === 'warn' ? d.warnAt : d.dueAt;
    if (!best || at < best.at) best = { deadline: d, phase, at };
  }
  return best;
}

/** Runs the clock until the case is closed and no deadline is left. */
export async function runClock(c: DisputeCase): Promise<void> {
  for (;;) {
    const next = nextTrigger(c);
    if (!next && c.state.stage === 'closed') return;
    const seen = c.tick;
    if (!next) {
      await condition(() => c.tick !== seen);
      continue;
    }
    const changed = await condition(() => c.tick !== seen, Math.max(1, Date.parse(next.at) - Date.now()));
    if (changed) continue;
    // An action in flight finishes first; if it moved the stage or the deadlines, plan again.
    if (c.busy()) {
      await condition(() => !c.busy());
      if (c.tick !== seen) continue;
    }
    await c.exclusively(() => fire(c, next.deadline, next.phase));
  }
}

async function fire(c: DisputeCase, d: Deadline, phase: 'warn' | 'due'): Promise<void> {
  const s = c.state;
  const unitName = s.unit?.name ?? '';
  const number = s.caseNumber ?? s.disputeId;
  if (phase === 'warn') {
    d.warned = true;
    c.touch();
    if (d.kind === 'accept')
      await c.alert('accept_warning', `${number} 待${unitName}接单，将于${beijingDateTime(d.dueAt)}超时`);
    else if (d.kind === 'handling')
      await c.alert('handling_warning', `${number} ${unitName}调处期限将于${beijingDateTime(d.dueAt)}届满`);
    else if (d.kind === 'judicial_confirmation' && !s.agreement?.judicialConfirmation) {
      // No reminder once the filing is recorded (workflows/dispute/judicial.ts).
      c.notify({
        key: `${s.disputeId}:judicial:${s.agreement?.round ?? 1}`,
        disputeId: s.disputeId,
        kind: 'judicial_confirmation_reminder',
        recipients: [...s.parties.map((p) => p.name), s.assignee?.name ?? unitName],
        message: `${s.agreement?.number ?? number}：申请司法确认的30日期限将于${beijingDateTime(d.dueAt)}届满（人民调解法第三十三条）。`,
      });
    }
    return;
  }
  d.breached = true;
  c.touch();
  switch (d.kind) {
    case 'accept': {
      const entry = s.stageEntry;
      await c.alert('accept_breach', `${number} ${unitName}未在时限内接单`);
      await c.emit('deadline_breached', SYSTEM, { kind: 'accept', unit: s.unit?.code, dueAt: d.dueAt });
      // From the street up: 督办 from above, the case stays (workflows/dispute/committee.ts).
      if (s.stageEntry === entry && s.stage === 'awaiting_acceptance' && !(await superviseAcceptBreach(c, d))) {
        if (d.autoEscalate) await escalate(c, SYSTEM, '接单超时，自动上报', true, 'breach');
      }
      return;
    }
    case 'handling':
      await c.alert('handling_breach', `${number} ${unitName}调处超期`);
      await c.emit('deadline_breached', SYSTEM, { kind: 'handling', dueAt: d.dueAt });
      return;
    case 'report_in': {
      const missing = s.meeting?.agencies.filter((a) => !a.answer).map((a) => a.name) ?? [];
      if (missing.length)
        await c.alert(
          'report_in_breach',
          `${number} 联合调解报到超时（报到截止${beijingDateTime(d.dueAt)}）：${missing.join('、')}`,
        );
      await superviseReportIn(c, missing); // 督办 upward (meeting.ts)
      await c.emit('deadline_breached', SYSTEM, { kind: 'report_in', missing });
      return;
    }
    case 'signatures':
      await c.alert('signature_overdue', `${number} 调解协议未在时限内完成签署`);
      await c.emit('deadline_breached', SYSTEM, { kind: 'signatures', dueAt: d.dueAt });
      return;
    case 'follow_up':
      await c.alert('follow_up_due', `${number} 已到回访时间，请回访履行情况`);
      await c.emit('follow_up_due', SYSTEM, { dueAt: d.dueAt });
      return;
    case 'meeting_reminder': {
      const meeting = s.meeting;
      c.clearDeadlines('meeting_reminder');
      if (!meeting) return;
      c.notify({
        key: `${s.disputeId}:reminder:${meeting.round}`,
        disputeId: s.disputeId,
        kind: 'meeting_reminder',
        recipients: [
          ...meeting.agencies.filter((a) => a.answer !== 'declined').map((a) => a.code),
          ...meeting.parties.map((i) => s.parties[i]?.name ?? ''),
        ],
        // On site as before; a remote or mixed meeting names its link (domain/remote-meeting.ts).
        message: `提醒：${number} 联合调解将于${beijingDateTime(meeting.at)}${meetingWhereZh(meeting)}召开。${remoteJoinZh(meeting)}`,
      });
      await c.emit('meeting_reminder_sent', SYSTEM, { round: meeting.round });
      return;
    }
    case 'judicial_confirmation':
      c.clearDeadlines('judicial_confirmation');
      await c.emit('judicial_confirmation_window_closed', SYSTEM, { dueAt: d.dueAt });
      return;
    case 'judicial_ruling': // no ruling recorded in the time the court has (法释〔2011〕5号 Art. 4–5): stop waiting for it
      c.clearDeadlines('judicial_ruling');
      await c.emit('judicial_ruling_wait_ended', SYSTEM, { dueAt: d.dueAt });
      return;
  }
}
