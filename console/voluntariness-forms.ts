/**
 * The console's forms for voluntariness on the record (domain/voluntariness.ts): record-consent and
 * refuse (不予受理). Spread into ACTION_FORMS (console/forms.ts).
 */
import {
  CONSENT_MANNERS,
  MEDIATOR_CHOICES,
  NOTICE_MANNERS,
  PUBLICITY,
  REFUSAL_GROUNDS,
  VOLUNTARINESS_LABELS,
  consentImplied,
  standingOf,
  type CaseSource,
  type ConsentRecord,
  type VoluntarinessView,
} from '../domain/voluntariness';
import type { FieldSpec } from './forms';

export const VOLUNTARINESS_FORMS = {
  'record-consent': [
    { name: 'party', kind: 'select', options: 'parties', required: true },
    { name: 'consented', kind: 'select', options: 'yesno', required: true },
    { name: 'manner', kind: 'select', options: 'enum', values: CONSENT_MANNERS, required: true },
    { name: 'rightsNotice', kind: 'select', options: 'enum', values: NOTICE_MANNERS, optional: true },
    { name: 'inviteOthers', kind: 'select', options: 'yesno', optional: true },
    { name: 'mediatorChoice', kind: 'select', options: 'enum', values: MEDIATOR_CHOICES, optional: true },
    { name: 'mediators', kind: 'text' },
    { name: 'recusal', kind: 'text' },
    { name: 'publicity', kind: 'select', options: 'enum', values: PUBLICITY, optional: true },
    { name: 'note', kind: 'textarea' },
  ],
  refuse: [
    { name: 'grounds', kind: 'checkboxes', options: 'enum', values: REFUSAL_GROUNDS, required: true },
    { name: 'reason', kind: 'textarea', required: true },
    { name: 'referral', kind: 'text' },
  ],
} satisfies Record<'record-consent' | 'refuse', FieldSpec[]>;

/** What the case page says of a party's will (人民调解法 Art. 17, 20, 23–24): consent, rights notice, inviting others. */
export function partyWillText(
  c: { source?: CaseSource; parties: Array<{ name: string; role: string }>; consents?: ConsentRecord[] },
  party: number,
  zh: boolean,
): string {
  const view = c as VoluntarinessView;
  const st = standingOf(view, party);
  const L = VOLUNTARINESS_LABELS[zh ? 'zh-CN' : 'en'];
  const consent =
    st?.consented === true
      ? L.manner[st.manner]
      : st?.consented === false
        ? zh
          ? `明确拒绝调解（${L.refusedManner[st.manner]}）`
          : `clearly refused mediation (${L.refusedManner[st.manner]})`
        : consentImplied(view, party)
          ? L.manner.by_application
          : zh
            ? '未记录同意调解'
            : 'consent not recorded';
  const notice = st?.rightsNotice
    ? zh
      ? `权利义务已告知（${L.notice[st.rightsNotice]}）`
      : `rights notice ${L.notice[st.rightsNotice]}`
    : zh
      ? '未告知权利义务'
      : 'rights notice not recorded';
  const invite = st?.inviteOthers ? (zh ? '同意邀请他人参与' : 'agrees to inviting others') : null;
  return [consent, notice, invite].filter(Boolean).join(zh ? '；' : '; ');
}
