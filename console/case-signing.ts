/**
 * The signature checklist of a written agreement (issue 24, item 3): every party, the mediator(s)
 * and the committee's seal, each with how and when it was given (现场签名 / 按指印 / 盖章 / 电子签名,
 * as the case records it) or as still missing; the seal last (人民调解法 Art. 29; domain/committee.ts
 * `sealTooEarly`), and the moment of effect (协议已生效, in Beijing time) once it is on.
 */
import type { Signature } from '../domain/types';
import { signatureHow } from '../templates/esign-model';
import type { Action } from '../domain/lifecycle';
import { beijing } from './context';
import type { CaseDoc } from './case-view';
import { ROLE_LABEL } from './case-view';
import { fill, type ConsoleDict, type ConsoleLang } from './i18n';

/** A time as people read it here: 2026年12月6日 14:05 in the Chinese console, 2026-12-06 14:05 in English (Beijing time). */
export const when = (iso: string | undefined | null, lang: ConsoleLang): string => beijing(iso, lang);

export interface AgreementDoc {
  number?: string;
  effectiveAt?: string;
  sealedAt?: string;
  signatures: Signature[];
  form?: 'written' | 'oral';
}

export interface ChecklistRow {
  who: string;
  role: string;
  signed: boolean;
  how: string;
  at: string | null;
  /** A party still to sign while the draft awaits signatures: its index, for the send-link button. */
  linkIndex: number | null;
  canLink: boolean;
}

/**
 * How one signature was given, in the checklist's words: on paper 现场签名 / 按指印 / 盖章 (由某某记录,
 * and the witness), or electronically as the documents print it (templates/esign-model.ts: the
 * phone's last digits, the code's reference, the text's hash and the time).
 */
export function howSigned(s: Signature, t: ConsoleDict, lang: ConsoleLang): string {
  if (s.method === 'electronic') return signatureHow(s, lang);
  const w = t.signing;
  const word = { signature: w.signature, fingerprint: w.fingerprint, seal: w.partySeal }[s.method];
  const details = [
    fill(w.recordedBy, { name: s.recordedByName ?? s.recordedBy }),
    s.witness ? fill(w.witness, { name: s.witness }) : null,
  ].filter(Boolean);
  return lang === 'zh-CN' ? `${word}（${details.join('，')}）` : `${word} (${details.join(', ')})`;
}

/** The checklist, the seal's row, who is missing and the agreement's status; null without a written agreement. */
export function signatureChecklist(c: CaseDoc, t: ConsoleDict, lang: ConsoleLang) {
  const a = c.agreement as AgreementDoc | undefined;
  if (!a || a.form === 'oral') return null;
  const w = t.signing;
  const zh = lang === 'zh-CN';
  const sep = zh ? '、' : ', ';
  const awaiting = c.stage === 'awaiting_signatures';
  const mayLink = awaiting && c.allowedActions.includes('sign' as Action);
  const byParty = new Map(a.signatures.filter((s) => s.signer.startsWith('party:')).map((s) => [s.signer, s]));
  const rows: ChecklistRow[] = c.parties.map((p, i) => {
    const s = byParty.get(`party:${i}`);
    const role = (zh ? ROLE_LABEL[p.role]?.zh : ROLE_LABEL[p.role]?.en) ?? p.role;
    const by = s && s.name !== p.name ? `${zh ? '，' : ', '}${fill(w.signedFor, { name: s.name })}` : '';
    return {
      who: p.name,
      role,
      signed: !!s,
      how: s ? `${howSigned(s, t, lang)}${by}` : '',
      at: s && s.method !== 'electronic' ? when(s.at, lang) : null,
      linkIndex: !s && mayLink ? i : null,
      canLink: !s && mayLink,
    };
  });
  const mediators = a.signatures.filter((s) => s.signer === 'mediator');
  for (const s of mediators)
    rows.push({
      who: s.name,
      role: w.mediator,
      signed: true,
      how: howSigned(s, t, lang),
      at: when(s.at, lang),
      linkIndex: null,
      canLink: false,
    });
  if (mediators.length === 0)
    rows.push({ who: w.mediator, role: w.mediator, signed: false, how: '', at: null, linkIndex: null, canLink: false });
  const missing = rows.filter((r) => !r.signed).map((r) => r.who);
  const sealed = !!a.sealedAt;
  const seal = {
    who: c.unit?.committeeName ?? c.unit?.name ?? w.seal,
    role: w.seal,
    sealed,
    state: sealed ? w.sealed : missing.length ? w.sealWaiting : w.sealReady,
    at: sealed ? when(a.sealedAt, lang) : null,
  };
  const effective = a.effectiveAt
    ? { text: fill(w.effectiveAt, { at: when(a.effectiveAt, lang) }), at: a.effectiveAt }
    : null;
  // The status line under the case's title: in effect since …, or what is still missing.
  const status = effective
    ? effective.text
    : missing.length
      ? `${w.awaiting} · ${fill(w.missingLine, { names: missing.join(sep) })}`
      : sealed
        ? w.sealed
        : w.sealNext;
  return { rows, seal, missing, missingText: missing.join(sep), effective, status, sealed, complete: !missing.length };
}

/**
 * The actions the checklist allows of those the case offers: the seal only once every party and a
 * mediator have signed and never again once affixed; `sign` only while someone is still to sign.
 */
export function checklistActions(actions: Action[], checklist: ReturnType<typeof signatureChecklist>): Action[] {
  if (!checklist) return actions;
  return actions.filter((a) => {
    if (a === 'seal') return checklist.complete && !checklist.sealed;
    if (a === 'sign') return !checklist.sealed;
    return true;
  });
}

/** The sign form's signers: the parties still to sign, and a mediator (several may sign, each once: the API says who has). */
export function unsignedSigners<O extends { value: string }>(options: O[], c: CaseDoc): O[] {
  const a = c.agreement as AgreementDoc | undefined;
  const signed = new Set((a?.signatures ?? []).map((s) => s.signer));
  return options.filter((o) => o.value === 'mediator' || !signed.has(o.value));
}

/** The banner after the action that made the agreement take effect (the last signature or the seal). */
export function effectBanner(c: CaseDoc, t: ConsoleDict, lang: ConsoleLang, done: Action | undefined): string | null {
  const a = c.agreement as AgreementDoc | undefined;
  if (!a?.effectiveAt || (done !== 'seal' && done !== 'sign')) return null;
  return fill(t.signing.effectiveBanner, { at: when(a.effectiveAt, lang), number: a.number ?? '—' });
}
