/**
 * How each signature was given, in the words the documents print (issue 22, item 4): on paper and
 * recorded by whom (纸质签名（由某某记录）, 按指印, 盖章), or electronically on the party's own phone
 * (电子签名（短信验证码确认，手机尾号1111，验证码编号…，文本哈希…，时间）). Used by the audit
 * certificate, the agreement's signature block, the case file and the console's case view.
 */
import { chineseDateTime } from '../domain/money';
import type { Signature } from '../domain/types';
import type { Lang } from './labels';

const PAPER = {
  'zh-CN': { signature: '纸质签名', seal: '盖章', fingerprint: '按指印' } as Record<string, string>,
  en: { signature: 'signed on paper', seal: 'seal', fingerprint: 'fingerprint' } as Record<string, string>,
};

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function enDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${chineseDateTime(iso).slice(-5)} Beijing time`;
}

/** Who recorded a paper signature, by name (older records kept only the id). */
const recorder = (s: Signature): string => s.recordedByName ?? s.recordedBy;

/** True for a signature the party gave on its own phone. */
export const isElectronic = (s: Pick<Signature, 'method'>): boolean => s.method === 'electronic';

/** How the signature was given, in one phrase (the certificate's 方式 column, the case file, the console). */
export function signatureHow(s: Signature, lang: Lang = 'zh-CN'): string {
  const zh = lang === 'zh-CN';
  if (isElectronic(s)) {
    const parts = zh
      ? [
          '短信验证码确认',
          s.phoneTail ? `手机尾号${s.phoneTail}` : undefined,
          s.codeRef ? `验证码编号${s.codeRef}` : undefined,
          s.contentSha256 ? `文本哈希${s.contentSha256}` : undefined,
          `${chineseDateTime(s.at)}（北京时间）`,
        ]
      : [
          'confirmed by a one-time code sent by SMS',
          s.phoneTail ? `to the phone ending ${s.phoneTail}` : undefined,
          s.codeRef ? `code ref. ${s.codeRef}` : undefined,
          s.contentSha256 ? `text SHA-256 ${s.contentSha256}` : undefined,
          enDateTime(s.at),
        ];
    return zh
      ? `电子签名（${parts.filter(Boolean).join('，')}）`
      : `electronic signature (${parts.filter(Boolean).join(', ')})`;
  }
  const what = PAPER[lang][s.method] ?? s.method;
  return zh ? `${what}（由${recorder(s)}记录）` : `${what} (recorded by ${recorder(s)})`;
}

/** The certificate's 记录人 of an electronic signature: the signer itself (本人); undefined for paper. */
export const signatureRecorder = (s: Signature, lang: Lang = 'zh-CN'): string | undefined =>
  isElectronic(s) ? (lang === 'zh-CN' ? '本人（电子签名）' : 'the signer (electronically)') : undefined;

/** The electronic signature as the agreement's signature block prints it beside the signer's name. */
export function agreementElectronicNote(s: Signature, lang: Lang = 'zh-CN') {
  if (!isElectronic(s)) return null;
  return {
    phoneTail: s.phoneTail ?? null,
    codeRef: s.codeRef ?? null,
    contentSha256: s.contentSha256 ?? null,
    text:
      lang === 'zh-CN'
        ? `电子签名，短信验证码确认${s.phoneTail ? `（手机尾号${s.phoneTail}）` : ''}，文本哈希${s.contentSha256 ?? ''}`
        : `electronic signature confirmed by SMS code${s.phoneTail ? ` (phone ending ${s.phoneTail})` : ''}, text SHA-256 ${s.contentSha256 ?? ''}`,
  };
}
