/**
 * What the case page shows of a remote or mixed meeting (its way, link and platform) and of the
 * attendance recorded per participant (到场 / 远程视频参加 / 未到), issue 22 item 6.
 */
import { attendanceLines, type AttendanceEntry, type MeetingMode } from '../domain/remote-meeting';
import { ROLE_LABEL, type CaseDoc } from './case-view';
import type { ConsoleDict, ConsoleLang } from './i18n';

export interface RemoteMeetingDoc {
  mode?: MeetingMode;
  remoteLink?: string;
  remotePlatform?: string;
  attendance?: { participants?: AttendanceEntry[] };
}

export function meetingRemoteView(c: Pick<CaseDoc, 'parties' | 'meeting'>, t: ConsoleDict, lang: ConsoleLang) {
  const m = c.meeting as (CaseDoc['meeting'] & RemoteMeetingDoc) | undefined;
  const remote =
    m?.mode && m.mode !== 'on_site' && m.remoteLink
      ? { mode: t.option[m.mode] ?? m.mode, link: m.remoteLink, platform: m.remotePlatform ?? null }
      : null;
  const zh = lang === 'zh-CN';
  const participants = m?.attendance?.participants
    ? attendanceLines(
        m.attendance.participants,
        {
          parties: c.parties.map((p) => ({
            name: p.name,
            label: zh ? ROLE_LABEL[p.role]?.zh : ROLE_LABEL[p.role]?.en,
          })),
          agencies: m.agencies,
        },
        zh ? 'zh-CN' : 'en',
      )
    : null;
  return { remote, participants };
}
