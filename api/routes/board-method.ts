import type { FastifyPluginAsync } from 'fastify';
import { Setting } from '../../db/entities';
import { BANDS, type IndexWeights, WEIGHTS_SETTING, periodOf, weightsFrom } from '../../domain/safety-index';

/** Where admins may name the issuer printed on the public board (the settings table). */
export const ISSUER_SETTING = 'safety-index.issuer';

/**
 * The issuer printed on the board (发布单位): the admin's setting, else the top region's committee as
 * the directory names it (常德市人民调解委员会), else the platform that computes the figures.
 */
export function issuerOf(stored: unknown, rootName: string, rootCommittee?: string | null): string {
  if (typeof stored === 'string' && stored.trim()) return stored.trim();
  if (rootCommittee?.trim()) return rootCommittee.trim();
  return `${rootName}矛盾纠纷调处平台（枫桥）`;
}

/** The board's CSP: no script at all, its own inline stylesheet, forms to itself. */
export const BOARD_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'";

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

/** The parts of the score with their weights and how each is scored (the method page's table). */
export function methodParts(w: IndexWeights): Array<{ name: string; weight: number; scored: string }> {
  return [
    { name: '按时受理率', weight: w.onTimeAcceptance, scored: '本期受理的案件中未超受理时限的比例' },
    { name: '按时办结率', weight: w.onTimeResolution, scored: '本期办结的案件中未超办理时限的比例' },
    { name: '调解成功率', weight: w.successRate, scored: '调解成功 ÷（调解成功＋调解不成）' },
    {
      name: '就地化解率（小事不出村）',
      weight: w.retention,
      scored: '调解成功的案件中在网格、社区（村）一级化解的比例',
    },
    { name: '当事人满意度', weight: w.satisfaction, scored: '当事人本人评价1–5分，1分计0、5分计满分' },
    { name: '复调率低', weight: w.lowReopen, scored: '1 −（重新调解的案件 ÷ 调解成功的案件）' },
    { name: '发案率低', weight: w.lowIncidence, scored: '1 −（每万人发案数 ÷ 每万人每月20件），最低为0' },
  ];
}

export const BAND_TEXT = '等级：优 ≥ 90，良 80–90，中 70–80，差 < 70；暂无数据的地区不分等级。';

/** A period as people write it: 2026年12月, or 2026年12月6日 (short: 12月6日). */
export function periodLabel(kind: 'day' | 'month', start: string, short = false): string {
  const [y, m, d] = [start.slice(0, 4), Number(start.slice(5, 7)), Number(start.slice(8, 10))];
  if (kind === 'month') return `${y}年${m}月`;
  return short ? `${m}月${d}日` : `${y}年${m}月${d}日`;
}

/** The starts of the `n` periods ending with the one holding `date`, oldest first. */
export function periodsBack(kind: 'day' | 'month', date: string, n: number): string[] {
  const out: string[] = [];
  let start = periodOf(kind, date).start;
  for (let i = 0; i < n; i++) {
    out.unshift(start);
    const dayBefore = new Date(Date.parse(`${start}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
    start = periodOf(kind, dayBefore).start;
  }
  return out;
}

/** The band colours as tints for the trend chart's background, with their labels. */
export const TREND_BANDS = [
  { from: 90, to: 100, label: `${BANDS[0].label} ≥ 90`, colour: '#e3f4e8' },
  { from: 80, to: 90, label: `${BANDS[1].label} 80–90`, colour: '#fbf4d5' },
  { from: 70, to: 80, label: `${BANDS[2].label} 70–80`, colour: '#fdebd8' },
  { from: 0, to: 70, label: `${BANDS[3].label} < 70`, colour: '#fbe4e4' },
];

/** GET /board/method: the method of the board on a page of its own (linked from the board's top). */
const boardMethodPage: FastifyPluginAsync = async (app) => {
  app.get(
    '/board/method',
    {
      config: { public: true },
      // Documented (a public page with a stable address, linked from the board), not part of the JSON API.
      schema: {
        tags: ['safety-index'],
        summary: 'How the public board’s figures are computed: a page for people (HTML, Chinese), no personal data',
        security: [],
      },
    },
    async (_request, reply) => {
      const setting = await app.orm.em.fork().findOne(Setting, { key: WEIGHTS_SETTING });
      const weights = weightsFrom(setting?.value);
      const total = Object.values(weights).reduce((s, x) => s + x, 0);
      return reply.header('content-security-policy', BOARD_CSP).view('board-method.hbs', {
        method: boardMethod(weights),
        parts: methodParts(weights).map((p) => ({
          ...p,
          share: total > 0 ? `${Math.round((p.weight / total) * 1000) / 10}%` : '—',
        })),
        bandText: BAND_TEXT,
      });
    },
  );
};

export default boardMethodPage;
