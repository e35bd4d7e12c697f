/**
 * Hostile text through every document kind, at every point a case reaches one: the intake form
 * (受理登记表), the record, the summons, the agreement drafted, signed by the parties and then signed,
 * sealed and effective, the certificate, the judicial-confirmation application, the follow-up record
 * and the referral notice. Party names, the title, notes, the agenda, the terms, the witness and the
 * follow-up's words carry markup, a mustache and a long string; every document shows them as text
 * (the literal &lt;script&gt; appears, no raw <script> or <img> from the input), in the Chinese
 * original, the English courtesy translation and, where a browser engine is installed, the PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from '../../templates/pdf';
import { apiOf, type Headers } from '../helpers/api';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const MUSTACHE = '{{constructor}}';
/** A long statement with markup at its end (under the 2,000-character limit of a follow-up note or a reason). */
const LONG = `${'双方就院墙边界各执一词，'.repeat(150)}${SCRIPT}${IMG}`;

/** What each hostile text must look like in the HTML: escaped, whole. */
const SHOWN = {
  script: '&lt;script&gt;alert(1)&lt;/script&gt;',
  img: '&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
  mustache: '{{constructor}}',
  long: `${'双方就院墙边界各执一词，'.repeat(150)}&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;`,
};
type Shown = keyof typeof SHOWN;

const report = () => ({
  gridCode: 'xindi-g1',
  category: 'neighbour',
  title: `${SCRIPT} ${MUSTACHE}`,
  description: LONG,
  parties: [
    { name: SCRIPT, role: 'applicant', kind: 'person', occupation: MUSTACHE, address: IMG },
    { name: `${IMG} ${MUSTACHE}`, role: 'respondent', kind: 'organisation', representative: SCRIPT },
  ],
  channel: '12345',
});

const doc = (id: string, kind: string, query = '') =>
  sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}${query}`, headers: mediator });

/** Every collected document: kind@point (lang) → its HTML, and what of the input it must show. */
const seen: Array<{ label: string; id: string; kind: string; html: string; must: Shown[] }> = [];
async function collect(id: string, kind: string, point: string, must: Shown[]): Promise<void> {
  for (const lang of ['zh-CN', 'en']) {
    const res = await doc(id, kind, `?lang=${lang}`);
    const label = `${kind}@${point} (${lang})`;
    expect([label, res.statusCode]).toEqual([label, 200]);
    seen.push({ label, id, kind, html: res.body, must });
  }
}

let resolvedId: string;
let failedId: string;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@xindi-community');

  const created = await api.create(report());
  const id = (resolvedId = created.id as string);
  await api.act(id, 'accept', {}, mediator);
  await api.consentAll(id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(id, 'add-note', { text: LONG }, mediator);
  const meetingAt = meetingSoon();
  await api.act(
    id,
    'schedule-meeting',
    {
      at: meetingAt,
      place: IMG,
      agencies: ['safety-station'],
      agenda: `${SCRIPT}${MUSTACHE}`,
    },
    mediator,
  );
  await collect(id, 'intake', 'meeting', ['script', 'img', 'mustache', 'long']);
  await collect(id, 'summons', 'meeting', ['script', 'img', 'mustache']);
  await untilMeetingStarts(meetingAt);
  await api.act(
    id,
    'record-outcome',
    {
      result: 'agreed',
      facts: LONG,
      matters: `${MUSTACHE}${IMG}`,
      responsibilities: SCRIPT,
      losses: MUSTACHE,
      terms: [
        {
          text: `${SCRIPT}${MUSTACHE}`,
          obligor: IMG,
          method: MUSTACHE,
          place: SCRIPT,
          amountFen: 50_000,
          immediate: true,
        },
      ],
    },
    mediator,
  );
  await collect(id, 'record', 'outcome', ['script', 'img', 'mustache', 'long']);
  await collect(id, 'agreement', 'drafted', ['script', 'img', 'mustache', 'long']);
  await api.act(id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: SCRIPT }, mediator);
  await api.act(id, 'sign', { signer: 'party:1', method: 'seal', witness: IMG }, mediator);
  await collect(id, 'agreement', 'signed', ['script', 'img', 'mustache', 'long']);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  // The committee's 主任 affixes its seal (人民调解法 Art. 29; a mediator only with its authorisation).
  const effective = await api.act(id, 'seal', {}, await api.as('supervisor@xindi-community'));
  expect(effective.stage).toBe('follow_up');
  await collect(id, 'agreement', 'effective', ['script', 'img', 'mustache', 'long']);
  await collect(id, 'certificate', 'effective', ['script', 'img', 'mustache']);
  await collect(id, 'judicial-confirmation', 'effective', ['script', 'img', 'mustache']);
  await api.act(
    id,
    'record-follow-up',
    { method: 'home', met: ['当事人'], performed: true, satisfaction: 4, note: LONG, risks: IMG, measures: MUSTACHE },
    mediator,
  );
  await collect(id, 'follow-up', 'visited', ['script', 'img', 'mustache', 'long']);

  const failed = await api.create(report());
  failedId = failed.id as string;
  await api.act(failedId, 'accept', {}, mediator);
  await api.act(failedId, 'fail', { reason: LONG, referral: `${IMG}${MUSTACHE}` }, mediator);
  await collect(failedId, 'referral', 'failed', ['script', 'img', 'mustache', 'long']);
}, 120_000);
afterAll(() => sys?.close());

it('reaches every document kind, in both languages', () => {
  const kinds = new Set(seen.map((s) => s.kind));
  expect([...kinds].sort()).toEqual([
    'agreement',
    'certificate',
    'follow-up',
    'intake',
    'judicial-confirmation',
    'record',
    'referral',
    'summons',
  ]);
  expect(seen.filter((s) => s.kind === 'agreement').map((s) => s.label)).toEqual([
    'agreement@drafted (zh-CN)',
    'agreement@drafted (en)',
    'agreement@signed (zh-CN)',
    'agreement@signed (en)',
    'agreement@effective (zh-CN)',
    'agreement@effective (en)',
  ]);
});

it('shows the hostile text escaped in every document, and nothing of it as markup', () => {
  const report: Record<string, object> = {};
  const expected: Record<string, object> = {};
  for (const { label, html, must } of seen) {
    report[label] = {
      shown: must.filter((m) => html.includes(SHOWN[m])),
      rawScript: /<script/i.test(html),
      rawImg: /<img/i.test(html),
      rawHandler: html.includes('onerror='),
      evaluated: html.includes('[object Object]') || html.includes('function Object()'),
    };
    expected[label] = { shown: must, rawScript: false, rawImg: false, rawHandler: false, evaluated: false };
  }
  expect(report).toEqual(expected);
});

it('names the hostile parties as text in the signature block of the signed and the sealed agreement', () => {
  for (const point of ['signed', 'effective']) {
    const html = seen.find((s) => s.label === `agreement@${point} (zh-CN)`)!.html;
    const block = /<table class="signatures">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect([point, block]).toEqual([point, expect.stringContaining(`${SHOWN.script}（按指印`)]);
    expect([point, block]).toEqual([point, expect.stringContaining(`${SHOWN.img} {{constructor}}（盖章`)]);
    expect([point, block]).toEqual([point, expect.stringContaining(`见证人：${SHOWN.script}`)]);
  }
  const effective = seen.find((s) => s.label === 'agreement@effective (zh-CN)')!.html;
  expect(effective).toMatch(/（\d{4}）堤人调字第\d+号/);
});

// As in documents.test.ts: CI installs Debian's chromium and poppler-utils; elsewhere the PDF needs them.
const pdfTools =
  !!findChromium(process.env.CHROMIUM_PATH) &&
  !!(() => {
    try {
      return execFileSync('sh', ['-c', 'command -v pdftotext']).length;
    } catch {
      return 0;
    }
  })();
(pdfTools || process.env.CI ? it : it.skip)(
  'prints the hostile text as text in the PDF of every kind',
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fq-hostile-pdf-'));
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    const texts: Record<string, object> = {};
    const expected: Record<string, object> = {};
    for (const [kind, id] of [
      ...['intake', 'summons', 'record', 'agreement', 'certificate', 'judicial-confirmation', 'follow-up'].map(
        (k) => [k, resolvedId] as const,
      ),
      ['referral', failedId] as const,
    ]) {
      const res = await doc(id, kind, '?format=pdf');
      expect([kind, res.statusCode, res.headers['content-type']]).toEqual([kind, 200, 'application/pdf']);
      const file = path.join(dir, `${kind}.pdf`);
      writeFileSync(file, res.rawPayload);
      const text = squeeze(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
      // Escaped markup prints as the characters typed; markup that got through would print nothing.
      // (A narrow table cell wraps a text over lines, which the columns interleave: look for pieces.)
      texts[kind] = {
        script: text.includes('<script>alert(1)') && text.includes('</script>'),
        img: text.includes('"><imgsrc=x') && text.includes('onerror=alert(1)>'),
        mustache: text.includes(MUSTACHE),
      };
      expected[kind] = { script: true, img: true, mustache: true };
    }
    rmSync(dir, { recursive: true, force: true });
    expect(texts).toEqual(expected);
  },
  120_000,
);
