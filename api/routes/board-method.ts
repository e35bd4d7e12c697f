import type { IndexWeights } from '../../domain/safety-index';

/** Where admins may name the issuer printed on the public board (the settings table). */
export const ISSUER_SETTING = 'safety-index.issuer';

/** The issuer printed on the board: the admin's setting, else the platform that computes the figures. */
export function issuerOf(stored: unknown, rootName: string): string {
  if (typeof stored === 'string' && stored.trim()) return stored.trim();
  return `${rootName}矛盾纠纷调处平台（枫桥）`;
}

/**
 * How the board's figure is made, in words (docs/design.md#safety-index-平安指数): what it is (the
 * dispute-handling sub-index of the Safety Index, not the index itself), its parts and weights, and
 * the rules a reader needs to trust a ranking.
 */
export function boardMethod(w: IndexWeights): string[] {
  return [
    '本榜为平安指数中的“矛盾纠纷化解分项指数”，仅依据本平台登记的人民调解案件计算，不是平安指数总分。',
    `得分0–100，按以下各项加权：按时受理率${w.onTimeAcceptance}、按时办结率${w.onTimeResolution}、调解成功率${w.successRate}、就地化解率（小事不出村）${w.retention}、当事人满意度${w.satisfaction}、复调率低${w.lowReopen}、发案率低${w.lowIncidence}；本期无可计量的项目不计，其余按权重折算。`,
    '调解成功率＝调解成功 ÷（调解成功＋调解不成）：当事人撤回、不予受理、生效协议未履行（人民调解法第三十二条）均不计为调解失败。',
    '发案率以每万人每月20件为最低分，日数据按当日在当月所占天数折算。',
    '当事人满意度仅计当事人本人的评价；回访时由调解员录入的满意度单列为“回访满意度（调解员录入）”，不计入得分。',
    '本期无案件的地区显示“暂无数据”，不计分，不参与排名，列于有数据的地区之后。',
  ];
}
