/**
 * The signature and seal blocks of the agreement and its certificate (issue 21, item 1): who
 * actually signed as mediator, from the signature records (人民调解法 Art. 19 allows several;
 * Art. 29: the mediators sign), and who recorded each signature (记录人), by name; and the numbers a
 * case had before a committee took it over (原案号).
 */
import type { Agreement, DisputeView, Signature } from '../domain/types';
import { LABELS, type Lang } from './labels';

/** Who recorded a signature, by name; older records kept only the id, which the audit certificate still shows. */
export const recorderName = (s: Signature): string => s.recordedByName ?? s.recordedBy;
/** The recorder as the agreement prints it: a name or nothing (an account id is no name for a court). */
export const recorderPrintName = (s: Signature): string | undefined => s.recordedByName;

/** The agreement's mediator signatures and its recorders (记录人). */
export function signingModel(agreement: Pick<Agreement, 'signatures'>, lang: Lang = 'zh-CN') {
  const L = LABELS[lang];
  const mediators = agreement.signatures
    .filter((s) => s.signer === 'mediator')
    .map((s) => ({
      name: s.name,
      at: s.at,
      methodLabel: L.method[s.method] ?? s.method,
      recordedBy: recorderPrintName(s),
    }));
  // A party's electronic signature (issue 22) is its own act: no 记录人 for it.
  const recorded = agreement.signatures.filter((s) => s.method !== 'electronic');
  const recorders = [...new Set(recorded.map(recorderPrintName).filter((n): n is string => !!n))];
  return {
    /** Every mediator who signed, as themself; empty until one has. */
    mediators,
    /** Who recorded the signatures (记录人), joined for print; null until a signature is recorded. */
    recorders: recorders.length ? recorders.join(lang === 'zh-CN' ? '、' : ', ') : null,
  };
}

/** The numbers the case had before (原案号), for print; null when it has kept its first number. */
export const priorNumbers = (view: Pick<DisputeView, 'priorCaseNumbers'>): string | null =>
  view.priorCaseNumbers?.length ? view.priorCaseNumbers.join('、') : null;
