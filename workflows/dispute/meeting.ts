/**
 * The joint mediation (联合调解, 吹哨报到), beyond scheduling it: who convenes and who only invites,
 * who actually attended, what a decline and a missed report-in set off, and the texts of its notices.
 *
 * The practice of 吹哨报到 (街乡吹哨、部门报到) gives the whistle to the street (街道) and to the
 * county's centre (综治中心 / 矛盾纠纷调处化解中心): the agencies summoned by it must report in. A
 * community's people's mediation committee has no such power over government agencies: under
 * 人民调解法 Art. 20 (人民调解员……在征得当事人的同意后，可以邀请……有关社会组织的人员参与调解) it
 * may only INVITE. Its notice is an invitation (联合调解邀请函), its answers are a courtesy: no
 * report-in deadline, no breach, no 督办. A decline still tells the convenor (it changes the plan).
 */
import { patched } from '@temporalio/workflow';
import { beijingDateTime } from '../../domain/beijing-time';
import type { Meeting } from '../../domain/types';
import { attendanceProblems, meetingWhereZh, normalisedEntries, remoteJoinZh } from '../../domain/remote-meeting';
import { recordAttendanceUpdate, referToPoliceUpdate } from '../dispute.messages';
import { invalid, nowIso, type DisputeCase } from './case';

/** Street, county and city units convene; a community (or a grid, which holds no case) invites. */
export function meetingKindFor(c: DisputeCase): Meeting['kind'] {
  const level = c.state.level ?? 'community';
  if (level !== 'community' && level !== 'grid') return 'convened';
  // Old histories convened at community level with a report-in deadline (its local activity and timer).
  return patched('meeting-invitation') ? 'invitation' : 'convened';
}

/** The text of the notice sent to the agencies (Beijing time, Chinese form; never an ISO instant). */
export function meetingNoticeText(c: DisputeCase, meeting: Meeting, reportInDueAt?: string): string {
  const s = c.state;
  const phone = meeting.convenor?.phone ? `联系电话：${meeting.convenor.phone}。` : '';
  // On site: 在<place>, as before; remote: 以远程视频方式; mixed: 在<place>（可远程视频参加） (domain/remote-meeting.ts).
  const when = `定于${beijingDateTime(meeting.at)}${meetingWhereZh(meeting)}`;
  const join = remoteJoinZh(meeting);
  if (meeting.kind === 'invitation') {
    return `联合调解邀请函：${s.unit?.committeeName ?? ''}受理的${s.caseNumber ?? ''}“${s.title}”一案，经当事人同意，${when}进行调解，特邀请贵单位派员参加（人民调解法第二十条）。${join}能否参加，请予回复。${phone}`;
  }
  const report = reportInDueAt ? `，并于${beijingDateTime(reportInDueAt)}前报到确认` : '';
  return `联合调解通知：${s.caseNumber ?? ''}“${s.title}”，${when}召开联合调解会议，请派员准时参加${report}。${join}${phone}`;
}

/** 422 before the meeting has started: its outcome or attendance cannot be recorded yet. */
export function refuseBeforeStart(meeting: Meeting, zh: string, en: string): void {
  if (Date.now() >= Date.parse(meeting.at)) return;
  invalid(
    `联合调解定于${beijingDateTime(meeting.at)}开始，开始前不能${zh} / ${en} only once the meeting has started (${beijingDateTime(meeting.at)} Beijing time)`,
  );
}

/** The unit above the one holding the case, from its materialised path (`/changde/jinshi/…/`). */
export function parentUnitCode(c: DisputeCase): string | undefined {
  const parts = (c.state.unit?.path ?? '').split('/').filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/**
 * A decline (报到 refused, or an invitation declined) alerts the convening unit's supervisors. New in
 * the decline's handler: behind a patch, since old histories declined without it.
 */
export async function alertDeclined(c: DisputeCase, agencyCode: string, reason: string | undefined): Promise<void> {
  if (!patched('attendance-declined-alert')) return;
  const s = c.state;
  const meeting = s.meeting;
  const index = meeting?.agencies.findIndex((a) => a.code === agencyCode) ?? -1;
  if (!meeting || index < 0 || !s.unit) return;
  const what = meeting.kind === 'invitation' ? '联合调解邀请' : '联合调解通知';
  await c.effects.raiseAlert({
    disputeId: s.disputeId,
    caseNumber: s.caseNumber,
    kind: 'attendance_declined',
    // One alert per agency that declines (an alert is unique per case, kind and this key).
    stageEntry: s.stageEntry * 100 + index + 1,
    unitCode: s.unit.code,
    message: `${s.caseNumber ?? s.disputeId} ${meeting.agencies[index]!.name}不能参加${beijingDateTime(meeting.at)}在${meeting.place}召开的第${meeting.round}次联合调解（${what}），理由：${reason ?? '未说明'}。请调整会议安排或另行协调。`,
    at: nowIso(),
  });
}

/**
 * 督办: when agencies have not reported in by the deadline, the unit above the convenor is alerted
 * too (not only the convenor's own supervisors, who get `report_in_breach`). Behind a patch: old
 * histories breached with one alert.
 */
export async function superviseReportIn(c: DisputeCase, missing: string[]): Promise<void> {
  if (!missing.length || !patched('report-in-supervision')) return;
  const s = c.state;
  const parent = parentUnitCode(c);
  const meeting = s.meeting;
  if (!parent || !meeting) return;
  await c.effects.raiseAlert({
    disputeId: s.disputeId,
    caseNumber: s.caseNumber,
    kind: 'report_in_supervision',
    stageEntry: s.stageEntry,
    unitCode: parent,
    message: `督办：${s.caseNumber ?? s.disputeId} ${s.unit?.name ?? ''}召集的第${meeting.round}次联合调解（${beijingDateTime(meeting.at)}，${meeting.place}），${missing.join('、')}未按时报到，请督促报到。`,
    at: nowIso(),
  });
}

/** record-attendance and refer-to-police: new actions (new Update handlers are replay-safe). */
export function registerMeetingAndRiskActions(c: DisputeCase): void {
  const s = c.state;

  c.on(
    recordAttendanceUpdate,
    'record-attendance',
    async ({ actor, payload }) => {
      const meeting = s.meeting!;
      // Per participant (issue 22 item 6), or the older form: agency codes present and persons.
      const participants = payload.participants ? normalisedEntries(payload.participants) : undefined;
      const present =
        payload.present ??
        (participants ?? []).filter((e) => e.present && e.agency !== undefined).map((e) => e.agency!);
      meeting.attendance = {
        present,
        persons: payload.persons ?? [],
        ...(participants ? { participants } : {}),
        recordedAt: nowIso(),
        recordedBy: actor.id,
      };
      await c.emit('attendance_recorded', actor, {
        round: meeting.round,
        present,
        persons: (payload.persons ?? []).length,
        ...(participants
          ? {
              participants: participants.length,
              remote: participants.filter((e) => e.present && e.how === 'remote').length,
            }
          : {}),
      });
    },
    ({ payload }) => {
      const meeting = s.meeting;
      if (!meeting) invalid('没有待召开的联合调解 / there is no meeting to record');
      refuseBeforeStart(meeting, '登记到会情况', 'attendance is recorded');
      const invited = new Set(meeting.agencies.map((a) => a.code));
      const present = payload.present ?? [];
      const stranger = present.find((code) => !invited.has(code));
      if (stranger) {
        invalid(
          `${stranger} 未受邀参加本次联合调解：其他到会人员请列入 persons / ${stranger} was not invited to this meeting: list other persons present under persons`,
        );
      }
      if (new Set(present).size !== present.length) invalid('一个部门列了两次 / an agency is listed twice');
      const problems = attendanceProblems(payload.participants ?? [], {
        parties: s.parties.length,
        agencies: [...invited],
        legacyPresent: payload.present !== undefined,
      });
      if (problems.length) invalid(problems.join('；'));
    },
  );

  c.on(
    referToPoliceUpdate,
    'refer-to-police',
    async ({ actor, payload }) => {
      const at = nowIso();
      s.policeReferral = { at, by: actor.id, measures: payload.measures, note: payload.note };
      s.notes.push({
        at,
        by: actor,
        text: `已报告公安机关（人民调解法第二十五条）。已采取的预防措施：${payload.measures}`,
      });
      await c.emit('police_referral_sent', actor, { measures: payload.measures, note: payload.note });
      c.notify({
        key: `${s.disputeId}:police-referral`,
        disputeId: s.disputeId,
        kind: 'high_risk_referral',
        recipients: ['police'],
        message: `${s.caseNumber ?? ''} ${s.title}：${s.unit?.committeeName ?? ''}报告，该纠纷有可能引起治安案件、刑事案件（人民调解法第二十五条）。已采取的预防措施：${payload.measures}${payload.note ? `。说明：${payload.note}` : ''}。报告人：${actor.name}，${beijingDateTime(at)}。`,
      });
    },
    () => {
      if (s.policeReferral) {
        invalid(
          `已于${beijingDateTime(s.policeReferral.at)}报告公安机关 / the police were already notified on ${beijingDateTime(s.policeReferral.at)} (Beijing time)`,
        );
      }
    },
  );
}
