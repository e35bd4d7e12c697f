/**
 * Times in the words people read: Beijing time (UTC+8; China has no daylight saving time since
 * 1991) in Chinese form, `2026年12月9日 09:30`, never an ISO string. Pure and deterministic, so the
 * workflow builds its notice and alert texts with it as well as the documents.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The instant's calendar fields in Beijing, or undefined for a string that is not an instant. */
function fields(iso: string | number | Date) {
  const ms = typeof iso === 'number' ? iso : iso instanceof Date ? iso.getTime() : Date.parse(iso);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: String(d.getUTCHours()).padStart(2, '0'),
    mm: String(d.getUTCMinutes()).padStart(2, '0'),
  };
}

/** 2026年12月9日 09:30 (Beijing time). A string that is not an instant is returned unchanged. */
export function beijingDateTime(iso: string | number | Date): string {
  const f = fields(iso);
  if (!f) return String(iso);
  return `${f.y}年${f.m}月${f.d}日 ${f.hh}:${f.mm}`;
}

/** 2026年12月9日 (the Beijing calendar day of the instant). */
export function beijingDate(iso: string | number | Date): string {
  const f = fields(iso);
  if (!f) return String(iso);
  return `${f.y}年${f.m}月${f.d}日`;
}

/** 2026-12-09: the Beijing calendar day of an instant, as an ISO date (for comparing days, not for people). */
export const beijingIsoDay = (ms: number): string => new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The intake's risk reasons are stable codes for integrators (`reporter flagged high risk`,
 * `keyword: 持刀`); inside a Chinese text they read as the practice says them.
 */
export function riskReasonText(reason: string): string {
  if (reason === 'reporter flagged high risk') return '反映人标记为高风险';
  const keyword = /^keyword: (.+)$/.exec(reason);
  if (keyword) return `关键词：${keyword[1]}`;
  return reason;
}

/** Text meant for people must not carry an ISO 8601 instant (what the tests scan for). */
export const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T/;
