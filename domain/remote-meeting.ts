/**
 * Remote participation in a joint mediation (issue 22 item 6): recorded, not built. A meeting is held
 * on site (到场, the default), remotely (远程视频) or mixed (现场 + 远程); the link and the platform's
 * meeting number are text the notice and the summons carry. Attendance is recorded per participant:
 * each party, each summoned agency's representative, other persons — present or not, and how.
 *
 * Pure and deterministic: the workflow's validators, the API's boundary check and the documents use it.
 * No URL class (not in the workflow sandbox's guarantees): the link is checked by its text.
 */
import { beijingDateTime } from './beijing-time';

export const MEETING_MODES = ['on_site', 'remote', 'mixed'] as const;
export type MeetingMode = (typeof MEETING_MODES)[number];
export const ATTENDANCE_HOW = ['on_site', 'remote'] as const;
export type AttendanceHow = (typeof ATTENDANCE_HOW)[number];

export const REMOTE_LINK_MAX = 500;
/** The place a remote meeting keeps when none is given (documents print "在线上（远程视频会议）"). */
export const REMOTE_PLACE = '线上（远程视频会议）';

/** One participant as recorded by `record-attendance` (a party by index, an agency by code, or a person). */
export interface AttendanceEntry {
  party?: number;
  agency?: string;
  name?: string;
  unit?: string;
  present: boolean;
  how?: AttendanceHow;
  joinedAt?: string;
  leftAt?: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

// host[:port]: letters, digits, dots and hyphens (an IDN is written in its xn-- form); nothing else.
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*(?::\d{1,5})?$/;
// After the host: printable ASCII without spaces, quotes, angle brackets or backslashes.
const REST = /^[!#$%&()*+,\-./0-9:;=?@A-Z[\]^_a-z{|}~]*$/;

/** Why a meeting link is refused, in Chinese and English; undefined when it is acceptable. */
export function remoteLinkProblem(link: string): string | undefined {
  if (link.length > REMOTE_LINK_MAX)
    return `会议链接不能超过${REMOTE_LINK_MAX}个字符 / the meeting link must be at most ${REMOTE_LINK_MAX} characters`;
  const m = /^https:\/\/([^/?#]*)(.*)$/i.exec(link);
  if (!m) return '会议链接须以 https:// 开头 / the meeting link must be an https:// URL';
  if (m[1]!.includes('@'))
    return '会议链接中不得含用户名或密码 / the meeting link must not carry a user name or password';
  if (!HOST.test(m[1]!) || !REST.test(m[2]!)) return '会议链接不是有效的网址 / the meeting link is not a valid URL';
  return undefined;
}

/** schedule-meeting's remote fields: a link for remote and mixed meetings, a place for on-site and mixed. */
export function scheduleMeetingProblems(p: {
  mode?: MeetingMode;
  place?: string;
  remoteLink?: string;
  remotePlatform?: string;
}): FieldProblem[] {
  const mode = p.mode ?? 'on_site';
  const out: FieldProblem[] = [];
  if (mode !== 'on_site' && !p.remoteLink)
    out.push({
      field: 'remoteLink',
      message:
        '远程或混合方式召开的会议须提供会议链接（remoteLink） / a remote or mixed meeting needs its link (remoteLink)',
    });
  if (p.remoteLink) {
    const problem = remoteLinkProblem(p.remoteLink);
    if (problem) out.push({ field: 'remoteLink', message: problem });
  }
  if (mode !== 'remote' && !p.place)
    out.push({
      field: 'place',
      message: '现场或混合方式召开的会议须写明地点（place） / an on-site or mixed meeting needs its place (place)',
    });
  return out;
}

/** Who an attendance entry is, for its checks: one party, one agency, or a named person. */
const whoOf = (e: AttendanceEntry) =>
  e.party !== undefined ? `party:${e.party}` : e.agency !== undefined ? `agency:${e.agency}` : `person:${e.name ?? ''}`;

/** record-attendance's per-participant entries against the meeting and the case; bilingual reasons. */
export function attendanceProblems(
  entries: AttendanceEntry[],
  ctx: { parties: number; agencies: string[]; legacyPresent: boolean },
): string[] {
  const out: string[] = [];
  if (entries.length && ctx.legacyPresent)
    out.push(
      'present 与 participants 只能用一种方式登记部门到会 / give agencies either in present or in participants, not both',
    );
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const at = `participants[${i}]`;
    if (e.party !== undefined && e.agency !== undefined)
      out.push(`${at}：一项只能是一方当事人或一个部门 / an entry is one party or one agency, not both`);
    if (e.party !== undefined && e.party >= ctx.parties) out.push(`${at}：没有当事人 ${e.party} / no party ${e.party}`);
    if (e.agency !== undefined && !ctx.agencies.includes(e.agency))
      out.push(`${at}：${e.agency} 未受邀参加本次联合调解 / ${e.agency} was not invited to this meeting`);
    if (e.party === undefined && e.agency === undefined && !e.name)
      out.push(`${at}：其他参加人员须写明姓名 / another person needs a name`);
    if (!e.present && (e.how || e.joinedAt || e.leftAt))
      out.push(`${at}：未到者不记参加方式或时间 / an absent participant has no way or time of joining`);
    if (e.joinedAt && e.leftAt && Date.parse(e.leftAt) < Date.parse(e.joinedAt))
      out.push(`${at}：退出时间早于入会时间 / leftAt is before joinedAt`);
    const who = whoOf(e);
    if (seen.has(who)) out.push(`${at}：重复登记 / listed twice`);
    seen.add(who);
  });
  return out;
}

/** The entries as kept: a present participant without a way given was there on site. */
export const normalisedEntries = (entries: AttendanceEntry[]): AttendanceEntry[] =>
  entries.map((e) => (e.present ? { ...e, how: e.how ?? 'on_site' } : e));

interface RemoteMeeting {
  mode?: MeetingMode;
  place: string;
  remoteLink?: string;
  remotePlatform?: string;
}

/** "在汪家桥街道会议室" / "以远程视频方式" / "在…（可远程视频参加）", for the notice's sentence. */
export function meetingWhereZh(m: RemoteMeeting): string {
  if (m.mode === 'remote') return '以远程视频方式';
  if (m.mode === 'mixed') return `在${m.place}（可远程视频参加）`;
  return `在${m.place}`;
}

/** How to join, for the notice: empty for an on-site meeting. */
export function remoteJoinZh(m: RemoteMeeting): string {
  if (!m.mode || m.mode === 'on_site' || !m.remoteLink) return '';
  const platform = m.remotePlatform ? `会议平台：${m.remotePlatform}；` : '';
  return `远程参加：${platform}入会链接：${m.remoteLink} ，请于会议开始前10分钟点击链接入会，入会时请以“单位＋姓名”命名。`;
}

/** What the documents print of a remote or mixed meeting; null for an on-site one. */
export function remoteModel(m: RemoteMeeting, lang: 'zh-CN' | 'en') {
  if (!m.mode || m.mode === 'on_site' || !m.remoteLink) return null;
  const zh = lang === 'zh-CN';
  return {
    modeLabel: zh
      ? m.mode === 'remote'
        ? '远程视频'
        : '现场与远程视频相结合'
      : m.mode === 'remote'
        ? 'remote (video)'
        : 'mixed (on site and by video)',
    link: m.remoteLink,
    platform: m.remotePlatform ?? null,
    howToJoin: zh
      ? '请于会议开始前10分钟点击链接入会，入会时请以“单位＋姓名”命名。'
      : 'Please join by the link 10 minutes before the start, named "unit + name".',
  };
}

/** 到场 / 远程视频参加 / 未到, and the times of a remote participant. */
export function attendanceWord(e: AttendanceEntry, lang: 'zh-CN' | 'en'): string {
  const zh = lang === 'zh-CN';
  if (!e.present) return zh ? '未到' : 'absent';
  const word = e.how === 'remote' ? (zh ? '远程视频参加' : 'joined by video') : zh ? '到场' : 'present on site';
  const times = [
    e.joinedAt ? (zh ? `${beijingDateTime(e.joinedAt)}入会` : `joined ${beijingDateTime(e.joinedAt)}`) : '',
    e.leftAt ? (zh ? `${beijingDateTime(e.leftAt)}退出` : `left ${beijingDateTime(e.leftAt)}`) : '',
  ].filter(Boolean);
  return times.length ? `${word}（${times.join(zh ? '，' : ', ')}）` : word;
}

/** Each participant by name, with the way they attended: what the record and the case view print. */
export function attendanceLines(
  entries: AttendanceEntry[],
  names: { parties: Array<{ name: string; label?: string }>; agencies: Array<{ code: string; name: string }> },
  lang: 'zh-CN' | 'en',
): Array<{ who: string; how: string }> {
  const zh = lang === 'zh-CN';
  const paren = (s: string) => (zh ? `（${s}）` : ` (${s})`);
  return entries.map((e) => {
    let who: string;
    if (e.party !== undefined) {
      const p = names.parties[e.party];
      who = `${p?.name ?? `#${e.party}`}${p?.label ? paren(p.label) : ''}`;
    } else if (e.agency !== undefined) {
      const agency = names.agencies.find((a) => a.code === e.agency)?.name ?? e.agency;
      who = e.name ? `${agency}${paren(e.name)}` : agency;
    } else who = e.unit ? `${e.name}${paren(e.unit)}` : (e.name ?? '');
    return { who, how: attendanceWord(e, lang) };
  });
}
