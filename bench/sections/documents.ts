/**
 * Documents rendered per second: templates/render.ts as the product uses it (one renderer, every
 * template compiled once) vs a renderer made per render (reads the template files and compiles the
 * template it renders, as code that compiles on demand would). The seven documents of the street
 * case (test/helpers/golden-cases.ts, the golden copies' case), zh-CN, in turn.
 */
import QRCode from 'qrcode';
import { canonicalAgreement } from '../../activities/agreements';
import { sha256Hex } from '../../security/credentials';
import {
  agreementModel,
  certificateModel,
  followUpModel,
  intakeModel,
  judicialModel,
  recordModel,
  summonsModel,
  type DocumentContext,
} from '../../templates/models';
import { verificationCode, verificationUrl } from '../../security/verification-code';
import { createRenderer, type DocumentKind } from '../../templates/render';
import { WANGJIAQIAO } from '../../test/helpers/golden-cases';
import { interleaved, median, round } from '../lib/stats';
import type { BenchConfig, SectionResult } from '../lib/types';

async function documentModels(): Promise<Array<{ kind: DocumentKind; model: object }>> {
  const view = WANGJIAQIAO;
  const a = view.agreement!;
  const renderer = createRenderer();
  const code = verificationCode(Buffer.alloc(32, 0x5a), a.number!);
  const agreement = agreementModel(view, { number: a.number!, effectiveAt: a.effectiveAt!, code });
  const original = renderer.render('agreement', agreement);
  const sha256 = sha256Hex(canonicalAgreement(a.number!, original, a.signatures));
  const verifyUrl = verificationUrl('https://fengqiao.example.gov.cn', a.number!, code, sha256);
  const ctx: DocumentContext = {
    masked: false,
    lang: 'zh-CN',
    frozen: { number: a.number!, sha256, effectiveAt: a.effectiveAt!, signatures: a.signatures, code },
    verifyUrl,
    qrSvg: await QRCode.toString(verifyUrl, { type: 'svg', margin: 1 }),
  };
  const others: Array<[DocumentKind, object | undefined]> = [
    ['intake', intakeModel(view, ctx)],
    ['summons', summonsModel(view, ctx)],
    ['record', recordModel(view, ctx)],
    ['follow-up', followUpModel(view, ctx)],
    ['judicial-confirmation', judicialModel(view, ctx)],
    ['certificate', certificateModel(view, ctx)],
  ];
  return [
    { kind: 'agreement', model: agreement },
    ...others.filter(([, m]) => m).map(([kind, model]) => ({ kind, model: model! })),
  ];
}

export async function documentsSection(cfg: BenchConfig, log: (line: string) => void): Promise<SectionResult> {
  const docs = await documentModels();
  const once = createRenderer();
  // Both paths must produce the same documents.
  for (const d of docs) {
    if (createRenderer().render(d.kind, d.model) !== once.render(d.kind, d.model))
      throw new Error(`${d.kind}: per-render output differs`);
  }
  const windowMs = cfg.documentsWindowMs;
  const measure = (render: (kind: DocumentKind, model: object) => string) => async () => {
    let n = 0;
    let bytes = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < windowMs) {
      const d = docs[n % docs.length]!;
      bytes += render(d.kind, d.model).length;
      n++;
    }
    const s = (performance.now() - t0) / 1000;
    return { docsPerSec: round(n / s, 1), docs: n, chars: bytes };
  };
  const runs = await interleaved(
    cfg.rounds,
    [
      { name: 'perRender', run: measure((kind, model) => createRenderer().render(kind, model)) },
      { name: 'once', run: measure((kind, model) => once.render(kind, model)) },
    ],
    log,
  );
  const subject = median(runs.once!.map((r) => r.docsPerSec));
  const baseline = median(runs.perRender!.map((r) => r.docsPerSec));
  return {
    name: 'documents',
    rows: [
      {
        figure: `Documents rendered (${docs.length} kinds of the street case, zh-CN)`,
        unit: 'docs/s',
        subject: { label: 'compiled once', value: round(subject, 0) },
        baseline: { label: 'compiled per render', value: round(baseline, 0) },
        ratio: round(subject / baseline, 1),
      },
    ],
    runs,
  };
}
