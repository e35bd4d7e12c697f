/**
 * The case file's document model (人民调解卷宗; docs/design.md#the-case-file-卷宗): at closing the whole file is frozen
 * as one document: a cover, an index (卷内目录) and every record in the order of the Ministry of
 * Justice's 2010 document kit (司法部《人民调解文书格式》, 卷内目录: 申请书或受理登记表, 权利义务告知书,
 * 调查记录, 证据材料, 调解记录, 调解协议书, 履行凭证, 回访记录, 司法确认材料, 结案, 封底). Pure: the
 * model is built from the case as the workflow closed it and the sealed agreements; the templates
 * (templates/case-file.*.hbs) only lay it out, and the SHA-256 covers the canonical JSON of the number
 * and the rendered HTML, like the agreement's seal (activities/agreements.ts).
 *
 * Records other parts of the system add later (consent and the rights notice, the source of a case,
 * oral agreements, judicial confirmation, performance per term, several follow-up visits) are read
 * defensively: a record that is there is filed; one that is absent is left out (or read as the old
 * default), so a case closed before those records existed still gets its file.
 */
import {
  OUTCOME_LABELS,
  agreementsOf,
  evidenceOf,
  followUpsOf,
  isOral,
  judicialOf,
  meetingsOf,
  sourceLabel,
  type SealedAgreementRef,
} from '../domain/case-file';
import { chineseDate, chineseDateTime, fenToCapitals, fenToFigures } from '../domain/money';
import {
  STATUS_LABELS,
  VISIT_METHOD_LABELS,
  supervisedAgreement,
  type PerformanceStatus,
  type VisitMethod,
} from '../domain/performance';
import type { DisputeView } from '../domain/types';
import { VOLUNTARINESS_LABELS } from '../domain/voluntariness';
import { LABELS, type Lang } from './labels';
import { meetingBlock, partyBlocks } from './models';
import { isElectronic, signatureHow } from './esign-model';

export interface CaseFileRow {
  label: string;
  value: string;
}
export interface CaseFileItem {
  heading: string;
  rows: CaseFileRow[];
  paragraphs: string[];
  /**
   * The intake register's party blocks, printed by the documents' own partials (parties.hbs,
   * party-people.hbs, reporter.hbs: 法定代表人 / 负责人 with 职务, 统一社会信用代码, 法定代理人, 委托代理人
   * with authority and 授权委托书, and the 反映人 apart from the parties); null on other items.
   */
  people: ReturnType<typeof partyBlocks> | null;
}
export interface CaseFileSection {
  ordinal: number;
  anchor: string;
  title: string;
  /** What the index says of it (必备 / 按需, or that it is not in this file). */
  remark: string;
  items: CaseFileItem[];
}

export interface CaseFileModel {
  lang: Lang;
  caseNumber: string;
  title: string;
  cover: CaseFileRow[];
  index: Array<{ ordinal: number; anchor: string; title: string; remark: string }>;
  sections: CaseFileSection[];
  /** When the file was frozen (null: rendered live from a case not yet closed: a draft). */
  frozenAt: string | null;
  committeeName: string;
  count: number;
}

const EN_MONTHS = 'January February March April May June July August September October November December'.split(' ');
function enDate(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
function enDateTime(iso: string): string {
  return `${enDate(iso)}, ${chineseDateTime(iso).slice(-5)} Beijing time`;
}
/** Punctuation by language: full-width in Chinese, never inside an English row. */
const punct = (lang: Lang) =>
  lang === 'zh-CN'
    ? { colon: '：', paren: (s: string) => `（${s}）`, comma: '，', semi: '；' }
    : { colon: ': ', paren: (s: string) => ` (${s})`, comma: ', ', semi: '; ' };

/** Words of the case file, per language (zh-CN is the legal original). */
const W = {
  'zh-CN': {
    fileTitle: '人民调解卷宗',
    cover: {
      caseNumber: '案号（卷号）',
      cause: '案由',
      category: '纠纷类型',
      source: '案件来源',
      parties: '当事人',
      acceptedAt: '受理日期',
      closedAt: '结案日期',
      outcome: '调解结果',
      committee: '人民调解委员会',
      mediator: '人民调解员',
      filedAt: '立卷日期',
      count: '卷内文书',
    },
    none: '无',
    pending: '（尚未结案）',
    countOf: (n: number) => `共${n}份`,
    required: '必备',
    asNeeded: '按需',
    absent: '本案无此项',
    titles: {
      intake: '人民调解受理登记表',
      consent: '当事人同意调解及权利义务告知书',
      sessions: '人民调解记录（调查及调解经过）',
      agreement: '人民调解协议书',
      evidence: '证据材料清单',
      followUp: '人民调解回访记录',
      judicial: '司法确认有关材料',
      closing: '结案报告',
    },
    intake: {
      receivedAt: '登记时间',
      channel: '反映渠道',
      reportedBy: '登记（报告）人',
      /** An integrator is a platform, not a person: its name is the channel the report came through. */
      reportedVia: '报告渠道',
      staff: {
        grid_worker: '网格员',
        mediator: '人民调解员',
        agency_rep: '部门联络员',
        supervisor: '司法所工作人员',
        admin: '系统管理员',
      } as Record<string, string>,
      acceptedAt: '受理时间',
      acceptedBy: '受理人',
      risk: '风险评估',
      high: '高风险',
      normal: '一般',
      summary: '纠纷简要情况',
      moved: '移送、上报',
    },
    party: '当事人',
    consent: {
      consent: '当事人意愿',
      will: '是否同意调解',
      notice: '权利义务告知书',
      invite: '同意邀请有关单位、人员参与调解',
      mediators: '调解员的选择',
      recusal: '申请回避',
      publicity: '公开或不公开',
      at: '记录时间（记录人）',
    },
    session: {
      round: (n: number) => `第${n}次联合调解`,
      place: '地点',
      agencies: '通知（邀请）单位及答复',
      notice: (invitation: boolean) => (invitation ? '联合调解邀请函' : '联合调解通知'),
      noticeRef: '通知书（邀请函）',
      noticeText: (doc: string, no: string, round: number, by: string, date: string) =>
        `${doc}，文号${no}（第${round}次），${by}于${date}发出`,
      present: '实际到会单位',
      presentNone: '（无单位到会）',
      persons: '到会人员',
      notRecorded: '（未登记）',
      result: '结果',
      facts: '查明事实',
      responsibilities: '各方责任',
      losses: '损失情况',
      note: '备注',
      notes: '调查及调解经过',
    },
    agreement: {
      heading: (n: string) => `调解协议 ${n}`,
      draft: (i: number) => `第${i}份协议草案（未生效）`,
      form: '协议形式',
      written: '书面协议',
      oral: '口头协议',
      effectiveAt: '生效时间',
      sha256: '封存摘要（SHA-256）',
      facts: '纠纷事实',
      matters: '争议事项',
      responsibilities: '各方责任',
      losses: '损失情况',
      term: (i: number) => `协议事项${i}`,
      obligor: '履行人',
      amount: '金额',
      method: '履行方式',
      place: '履行地点',
      due: '履行期限',
      performance: '履行情况',
      signatures: '签署',
      rejected: '当事人拒绝签署',
    },
    evidence: { none: '本案未登记证据材料（附件材料另行归档）', by: '登记人' },
    followUp: {
      visit: (i: number) => `第${i}次回访`,
      at: '回访时间',
      by: '回访人',
      method: '回访方式',
      met: '回访对象',
      performed: '履行情况',
      satisfaction: '当事人满意度（调解员录入）',
      rated: '当事人自评满意度（当事人服务页面）',
      note: '回访情况',
      risks: '遗留隐患',
      measures: '采取措施',
    },
    judicial: {
      none: '当事人未申请司法确认',
      filedAt: '申请日期',
      court: '受理法院',
      courtCase: '法院案号',
      ruling: '裁定书文号',
      result: '确认结果',
      rulingAt: '裁定日期',
      pending: '尚未裁定',
      rulings: { valid: '裁定调解协议有效', rejected: '裁定驳回申请' } as Record<string, string>,
    },
    closing: {
      outcome: '结案方式',
      closedAt: '结案时间',
      failure: '调解不成的理由',
      referral: '告知的其他途径',
      withdrawal: '撤回（终止）的理由',
      refusal: '不予受理的理由',
      performanceDispute: '履行争议',
      closedBy: '结案人',
      mediators: '调解员',
    },
  },
  en: {
    fileTitle: 'People’s Mediation Case File',
    cover: {
      caseNumber: 'Case (file) number',
      cause: 'Matter',
      category: 'Category',
      source: 'Source of the case',
      parties: 'Parties',
      acceptedAt: 'Accepted on',
      closedAt: 'Closed on',
      outcome: 'Outcome',
      committee: 'People’s mediation committee',
      mediator: 'People’s mediator',
      filedAt: 'Filed on',
      count: 'Records in the file',
    },
    none: 'none',
    pending: '(not closed yet)',
    countOf: (n: number) => `${n} records`,
    required: 'required',
    asNeeded: 'as needed',
    absent: 'none in this case',
    titles: {
      intake: 'Intake register',
      consent: 'Consent to mediation and notice of rights and obligations',
      sessions: 'Mediation record (investigation and sessions)',
      agreement: 'Mediation agreement',
      evidence: 'List of evidence',
      followUp: 'Follow-up visits',
      judicial: 'Judicial confirmation',
      closing: 'Closing report',
    },
    intake: {
      receivedAt: 'Registered',
      channel: 'Channel',
      reportedBy: 'Registered (reported) by',
      reportedVia: 'Reported through',
      staff: {
        grid_worker: 'grid worker',
        mediator: 'people’s mediator',
        agency_rep: 'agency liaison',
        supervisor: 'justice office staff',
        admin: 'system administrator',
      } as Record<string, string>,
      acceptedAt: 'Accepted',
      acceptedBy: 'Accepted by',
      risk: 'Risk assessment',
      high: 'high risk',
      normal: 'ordinary',
      summary: 'Summary of the dispute',
      moved: 'Transfers and escalations',
    },
    party: 'Party',
    consent: {
      consent: 'The party’s will',
      will: 'Consent to mediation',
      notice: 'Notice of rights and obligations',
      invite: 'Consent to inviting other units or persons',
      mediators: 'Choice of mediators',
      recusal: 'Recusal requested',
      publicity: 'Public or private',
      at: 'Recorded (by)',
    },
    session: {
      round: (n: number) => `Joint mediation, round ${n}`,
      place: 'Place',
      agencies: 'Agencies notified (invited) and their answers',
      notice: (invitation: boolean) => (invitation ? 'letter of invitation' : 'notice of joint mediation'),
      noticeRef: 'Notice (invitation)',
      noticeText: (doc: string, no: string, round: number, by: string, date: string) =>
        `${doc} no. ${no} (round ${round}), issued by ${by} on ${date}`,
      present: 'Agencies actually present',
      presentNone: '(no agency present)',
      persons: 'Persons present',
      notRecorded: '(not recorded)',
      result: 'Result',
      facts: 'Facts found',
      responsibilities: 'Responsibilities of each party',
      losses: 'Losses',
      note: 'Note',
      notes: 'Investigation and mediation',
    },
    agreement: {
      heading: (n: string) => `Agreement ${n}`,
      draft: (i: number) => `Draft agreement ${i} (never took effect)`,
      form: 'Form',
      written: 'written',
      oral: 'oral',
      effectiveAt: 'Effective',
      sha256: 'Seal digest (SHA-256)',
      facts: 'Facts',
      matters: 'Matters in dispute',
      responsibilities: 'Responsibilities of each party',
      losses: 'Losses',
      term: (i: number) => `Term ${i}`,
      obligor: 'Obligor',
      amount: 'Amount',
      method: 'Manner of performance',
      place: 'Place',
      due: 'Deadline',
      performance: 'Performance',
      signatures: 'Signed',
      rejected: 'Rejected by a party',
    },
    evidence: { none: 'No evidence was registered (attachments are filed separately)', by: 'Registered by' },
    followUp: {
      visit: (i: number) => `Visit ${i}`,
      at: 'Visited',
      by: 'Visited by',
      method: 'How',
      met: 'Met',
      performed: 'Performance',
      satisfaction: 'Satisfaction (as recorded by the mediator)',
      rated: "The parties' own ratings (parties' page)",
      note: 'Findings',
      risks: 'Remaining risks',
      measures: 'Measures',
    },
    judicial: {
      none: 'The parties did not apply for judicial confirmation',
      filedAt: 'Filed',
      court: 'Court',
      courtCase: 'Court case number',
      ruling: 'Ruling number',
      result: 'Result',
      rulingAt: 'Ruled on',
      pending: 'no ruling yet',
      rulings: { valid: 'the agreement ruled valid', rejected: 'the application rejected' } as Record<string, string>,
    },
    closing: {
      outcome: 'How the case closed',
      closedAt: 'Closed',
      failure: 'Why mediation failed',
      referral: 'Other remedies the parties were told of',
      withdrawal: 'Withdrawal (termination)',
      refusal: 'Refusal to accept',
      performanceDispute: 'Dispute over performance',
      closedBy: 'Closed by',
      mediators: 'Mediators',
    },
  },
};

/** Consent records and the rights notice (人民调解法 Art. 17, 19, 20, 23; 2002 规定 Art. 30). */
function consentItems(view: DisputeView, lang: Lang): CaseFileItem[] {
  const w = W[lang];
  const V = VOLUNTARINESS_LABELS[lang];
  const when = lang === 'zh-CN' ? chineseDateTime : enDateTime;
  const yes = lang === 'zh-CN' ? '同意' : 'consented';
  const no = lang === 'zh-CN' ? '不同意' : 'did not consent';
  const P = punct(lang);
  return (view.consents ?? []).map((c) => ({
    heading: `${w.consent.consent}${P.colon}${c.partyName}`,
    rows: [
      { label: w.consent.will, value: c.consented ? V.manner[c.manner] : V.refusedManner[c.manner] },
      ...(c.rightsNotice ? [{ label: w.consent.notice, value: V.notice[c.rightsNotice] }] : []),
      ...(c.inviteOthers !== undefined ? [{ label: w.consent.invite, value: c.inviteOthers ? yes : no }] : []),
      ...(c.mediatorChoice
        ? [
            {
              label: w.consent.mediators,
              value: `${V.mediatorChoice[c.mediatorChoice]}${c.mediators ? `${P.colon}${c.mediators}` : ''}`,
            },
          ]
        : []),
      ...(c.recusal ? [{ label: w.consent.recusal, value: c.recusal }] : []),
      ...(c.publicity ? [{ label: w.consent.publicity, value: V.publicity[c.publicity] }] : []),
      ...(c.note ? [{ label: w.session.note, value: c.note }] : []),
      { label: w.consent.at, value: `${when(c.at)}${P.paren(c.recordedBy.name)}` },
    ],
    paragraphs: [],
    people: null,
  }));
}

/** Staff by id → name, from every record of the case that names its author (the file prints names, not ids). */
function namesOf(view: DisputeView): Map<string, string> {
  const names = new Map<string, string>();
  const add = (id: string | undefined, name: string | undefined) => {
    if (id && name && !names.has(id)) names.set(id, name);
  };
  add(view.acceptedBy?.id, view.acceptedBy?.name);
  add(view.assignee?.id, view.assignee?.name);
  add(view.reportedBy.id, view.reportedBy.name);
  add(view.refusal?.by, view.refusal?.byName);
  for (const n of view.notes) add(n.by.id, n.by.name);
  for (const m of meetingsOf(view)) add(m.convenedBy.id, m.convenedBy.name);
  for (const c of view.consents ?? []) add(c.recordedBy.id, c.recordedBy.name);
  for (const v of view.followUp?.visits ?? []) add(v.by, v.byName);
  for (const a of agreementsOf(view)) {
    add(a.draftedBy.id, a.draftedBy.name);
    for (const sg of a.signatures) add(sg.recordedBy, sg.recordedByName);
  }
  return names;
}

/**
 * Who closed the case (结案人), by name: who recorded the step that closed it (the refusal, the failure,
 * the withdrawal, the performance dispute, or the last record of performance of a resolved case).
 */
function closerOf(view: DisputeView): string | null {
  const names = namesOf(view);
  const name = (id?: string) => (id ? (names.get(id) ?? id) : null);
  switch (view.outcome) {
    case 'not_accepted':
      return view.refusal?.byName ?? null;
    case 'failed':
      return name(view.failure?.by);
    case 'withdrawn':
      return name(view.withdrawal?.by);
    case 'performance_referred':
      return name(view.performanceDispute?.by);
    case 'resolved': {
      const f = view.followUp;
      const records = [
        ...(f?.recordedAt ? [{ at: f.recordedAt, by: f.recordedBy }] : []),
        ...(f?.visits ?? []).map((v) => ({ at: v.at, by: v.by })),
        ...(view.performance ?? []).map((p) => ({ at: p.at, by: p.by })),
      ].filter((r) => r.at && r.by && (!view.closedAt || r.at <= view.closedAt));
      records.sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : 0));
      return name(records[records.length - 1]?.by);
    }
    default:
      return null;
  }
}

/**
 * The case file of a case. `sealed`: the agreements as sealed (number and hash); `frozenAt`: the
 * instant it is frozen (the closing), or null for a live draft of a case still open.
 */
export function caseFileModel(
  view: DisputeView,
  sealed: SealedAgreementRef[],
  frozenAt: string | null,
  lang: Lang = 'zh-CN',
): CaseFileModel {
  const w = W[lang];
  const L = LABELS[lang];
  const zh = lang === 'zh-CN';
  const date = zh ? chineseDate : enDate;
  const when = zh ? chineseDateTime : enDateTime;
  const sep = zh ? '、' : ', ';
  const P = punct(lang);
  const row = (label: string, value: string | undefined | null): CaseFileRow => ({ label, value: value ?? w.none });
  const partyName = (i: number | undefined) => (i === undefined ? undefined : view.parties[i]?.name);
  const mediators = [
    ...new Set(
      [view.acceptedBy?.name, view.assignee?.name, ...agreementsOf(view).map((a) => a.draftedBy?.name)].filter(
        (n): n is string => !!n && n !== 'system',
      ),
    ),
  ];
  const outcomeText = (o?: string) => (o ? (OUTCOME_LABELS[lang][o] ?? o) : w.pending);

  const sections: Omit<CaseFileSection, 'ordinal'>[] = [];

  // 1. 申请书或受理登记表 (required)
  sections.push({
    anchor: 'intake',
    title: w.titles.intake,
    remark: w.required,
    items: [
      {
        heading: view.title,
        rows: [
          row(w.cover.category, L.category[view.category] ?? view.category),
          row(w.cover.source, sourceLabel(view, lang)),
          row(w.intake.receivedAt, when(view.receivedAt)),
          // Who registered it: a person by name and capacity; an integrator is a platform (报告渠道), not a person.
          ...(view.reportedBy.type === 'integrator'
            ? [
                row(
                  w.intake.reportedVia,
                  [L.channel[view.channel] ?? view.channel, view.reportedBy.name]
                    .filter((x, i, all) => all.indexOf(x) === i)
                    .join(sep),
                ),
              ]
            : [
                row(w.intake.channel, L.channel[view.channel] ?? view.channel),
                row(
                  w.intake.reportedBy,
                  view.reportedBy.type === 'system'
                    ? null
                    : `${view.reportedBy.name}${w.intake.staff[view.reportedBy.role] ? P.paren(w.intake.staff[view.reportedBy.role]!) : ''}`,
                ),
              ]),
          row(w.intake.acceptedAt, view.acceptedAt ? when(view.acceptedAt) : null),
          row(w.intake.acceptedBy, view.acceptedBy?.name),
          row(
            w.intake.risk,
            view.risk?.high
              ? `${w.intake.high}${view.risk.reasons.length ? P.paren(view.risk.reasons.join(P.semi)) : ''}`
              : w.intake.normal,
          ),
        ],
        paragraphs: [`${w.intake.summary}${P.colon}${view.description}`],
        // The parties and the people around them, and the 反映人, as the intake register prints them.
        people: partyBlocks(view, { masked: false, lang }),
      },
      ...view.escalations.map((e) => ({
        heading: `${w.intake.moved} ${when(e.at)}`,
        rows: [row('→', `${e.fromName ?? e.from} → ${e.toName ?? e.to}`)],
        paragraphs: [e.reason],
        people: null,
      })),
    ],
  });

  // 2. 权利义务告知书 and consent (required by the kit; present once the case records them)
  const consents = consentItems(view, lang);
  sections.push({
    anchor: 'consent',
    title: w.titles.consent,
    remark: consents.length ? w.required : w.absent,
    items: consents,
  });

  // 3. 调查记录 / 调解记录: each session and the notes (evidence is listed apart)
  // Who was notified (invited) and answered, apart from who actually attended (到会), as the record
  // prints them (templates/models.ts meetingBlock), and the notice itself: 联合调解通知 when a street
  // convenes, 联合调解邀请函 when a community invites (人民调解法 Art. 20), with the day it was issued.
  const sessions: CaseFileItem[] = meetingsOf(view).map((m) => {
    const b = meetingBlock(m, { masked: false, lang }, view);
    const a = b.attendance;
    return {
      heading: `${w.session.round(m.round)}${P.colon}${when(m.at)}`,
      rows: [
        row(w.session.place, m.place),
        row(
          w.session.noticeRef,
          w.session.noticeText(
            w.session.notice(m.kind === 'invitation'),
            view.caseNumber ?? '',
            m.round,
            m.convenor?.name ?? view.unit?.name ?? m.convenedBy.name,
            date(m.convenedAt),
          ),
        ),
        row(w.session.agencies, b.agencies.map((x) => `${x.name}${P.paren(x.answer)}`).join(sep) || null),
        row(w.session.present, a ? a.agencies.join(sep) || w.session.presentNone : w.session.notRecorded),
        ...(a?.persons.length
          ? [row(w.session.persons, a.persons.map((x) => `${x.name}${P.paren(x.unit)}`).join(sep))]
          : []),
        // Remote participation (issue 22 item 6): how the meeting was held, and each participant's way of attending.
        ...(b.remote
          ? [row(zh ? '会议方式' : 'How it was held', `${b.remote.modeLabel}${P.colon}${b.remote.link}`)]
          : []),
        ...(a?.participants
          ? [
              row(
                zh ? '参加情况' : 'Participants',
                a.participants.map((x) => `${x.who}${P.colon}${x.how}`).join(zh ? '；' : '; '),
              ),
            ]
          : []),
        ...(m.outcome
          ? [
              row(w.session.result, L.meetingResult[m.outcome.result] ?? m.outcome.result),
              row(w.session.facts, m.outcome.facts),
              row(w.session.responsibilities, m.outcome.responsibilities),
              row(w.session.losses, m.outcome.losses),
              row(w.session.note, m.outcome.note),
            ]
          : []),
      ],
      paragraphs: m.agenda ? [m.agenda] : [],
      people: null,
    };
  });
  const notes = view.notes.filter((n) => n.evidence !== true);
  if (notes.length)
    sessions.push({
      heading: w.session.notes,
      rows: [],
      paragraphs: notes.map((n) => `${when(n.at)}${zh ? '　' : ' '}${n.by.name}${P.colon}${n.text}`),
      people: null,
    });
  sections.push({ anchor: 'sessions', title: w.titles.sessions, remark: w.required, items: sessions });

  // 4. 调解协议书 (written, or the oral agreement's register), each sealed one with its number and hash
  const supervised = supervisedAgreement(view);
  const agreements: CaseFileItem[] = agreementsOf(view).map((a, i) => {
    const round = a.round ?? i + 1;
    const seal = sealed.find((s) => s.round === round);
    const number = seal?.number ?? a.number;
    return {
      heading: number ? w.agreement.heading(number) : w.agreement.draft(round),
      rows: [
        row(w.agreement.form, isOral(a) ? w.agreement.oral : w.agreement.written),
        row(
          w.agreement.effectiveAt,
          (seal?.effectiveAt ?? a.effectiveAt) ? when(seal?.effectiveAt ?? a.effectiveAt!) : null,
        ),
        ...(seal ? [row(w.agreement.sha256, seal.sha256)] : []),
        row(w.agreement.facts, a.facts),
        row(w.agreement.matters, a.matters),
        row(w.agreement.responsibilities, a.responsibilities),
        row(w.agreement.losses, a.losses),
        ...a.terms.map((t, k) =>
          row(
            w.agreement.term(k + 1),
            [
              t.text,
              t.obligor ? `${w.agreement.obligor}${P.colon}${t.obligor}` : undefined,
              t.amountFen !== undefined
                ? `${w.agreement.amount}${P.colon}${zh ? `${fenToCapitals(t.amountFen)}（¥${fenToFigures(t.amountFen)}）` : `CNY ${fenToFigures(t.amountFen)}`}`
                : undefined,
              t.method ? `${w.agreement.method}${P.colon}${t.method}` : undefined,
              t.place ? `${w.agreement.place}${P.colon}${t.place}` : undefined,
              // 人民调解法 Art. 29(3): the time limit of performance, a date in Chinese form, or 即时履行.
              t.dueDate
                ? `${w.agreement.due}${P.colon}${zh ? `${chineseDate(t.dueDate)}前` : `by ${enDate(t.dueDate)}`}`
                : undefined,
              t.immediate ? `${w.agreement.due}${P.colon}${zh ? '即时履行' : 'performed immediately'}` : undefined,
              supervised === a && view.performance?.[k]?.status
                ? `${w.agreement.performance}${P.colon}${STATUS_LABELS[lang][view.performance[k]!.status!]}`
                : undefined,
            ]
              .filter(Boolean)
              .join(zh ? '；' : '; '),
          ),
        ),
        row(
          w.agreement.signatures,
          a.signatures
            .map((s) =>
              // Signed on the party's own phone (issue 22): how, with the code's reference and the text's hash.
              isElectronic(s)
                ? `${s.name}${P.colon}${signatureHow(s, lang)}`
                : `${s.name}${P.paren(`${L.method[s.method] ?? s.method}${P.comma}${when(s.at)}`)}`,
            )
            .concat(
              a.sealedAt
                ? [`${view.unit?.committeeName ?? ''}${P.paren(`${zh ? '印' : 'seal'}${P.comma}${when(a.sealedAt)}`)}`]
                : [],
            )
            .join(sep) || null,
        ),
        ...(a.rejected
          ? [
              row(
                w.agreement.rejected,
                `${partyName(a.rejected.party) ?? a.rejected.by}${
                  // Refused by the party itself on its signing page (issue 22: 拒绝签字).
                  a.rejected.byName ? P.paren(zh ? '本人在签署页面拒绝签字' : 'refused on the signing page') : ''
                }${P.comma}${when(a.rejected.at)}${P.colon}${a.rejected.reason}`,
              ),
            ]
          : []),
      ],
      paragraphs: [],
      people: null,
    };
  });
  sections.push({
    anchor: 'agreement',
    title: w.titles.agreement,
    remark: agreements.length ? w.required : w.absent,
    items: agreements,
  });

  // 5. 证据材料: the notes recorded as evidence, then the files and links kept (issue 22), each with its SHA-256
  const evidence = evidenceOf(view);
  const files = view.evidence ?? [];
  const fileRows = files.map((e, i) =>
    row(
      `${evidence.length + i + 1}`,
      `${e.name}${P.paren(
        [
          e.url ? e.url : `${e.mediaType}${P.comma}${evidenceSize(e.size)}`,
          ...(e.sha256 ? [`SHA-256 ${e.sha256.slice(0, 16)}…`] : []),
          `${w.evidence.by}${P.colon}${e.by.name}`,
          when(e.at),
        ].join(P.comma),
      )}${e.description ? `${P.colon}${e.description}` : ''}`,
    ),
  );
  sections.push({
    anchor: 'evidence',
    title: w.titles.evidence,
    remark: evidence.length || files.length ? w.asNeeded : w.absent,
    items:
      evidence.length || files.length
        ? [
            {
              heading: w.titles.evidence,
              rows: [
                ...evidence.map((n, i) =>
                  row(
                    `${i + 1}`,
                    `${n.text}${P.paren(`${w.evidence.by}${P.colon}${n.by.name}${P.comma}${when(n.at)}`)}`,
                  ),
                ),
                ...fileRows,
              ],
              paragraphs: [],
              people: null,
            },
          ]
        : [],
  });

  // 6. 回访记录
  const visits: CaseFileItem[] = followUpsOf(view).map((f, i) => ({
    heading: w.followUp.visit(i + 1),
    rows: [
      row(w.followUp.at, f.at ? when(f.at) : null),
      row(w.followUp.by, f.by ? (namesOf(view).get(f.by) ?? f.by) : null),
      ...(f.method ? [row(w.followUp.method, VISIT_METHOD_LABELS[lang][f.method as VisitMethod] ?? f.method)] : []),
      ...(f.met?.length ? [row(w.followUp.met, f.met.join(sep))] : []),
      row(
        w.followUp.performed,
        f.statuses
          ? f.statuses
              .map(
                (x) =>
                  `${w.agreement.term(x.term)}${P.colon}${STATUS_LABELS[lang][x.status as PerformanceStatus] ?? x.status}`,
              )
              .join(zh ? '；' : '; ')
          : f.performed === undefined
            ? null
            : f.performed
              ? L.performed.yes
              : L.performed.no,
      ),
      ...(typeof f.satisfaction === 'number' ? [row(w.followUp.satisfaction, `${f.satisfaction} / 5`)] : []),
      row(w.followUp.note, f.note),
      row(w.followUp.risks, f.risks),
      row(w.followUp.measures, f.measures),
    ],
    paragraphs: [],
    people: null,
  }));
  // Issue 22: each party's own rating from its page (rate-satisfaction), apart from the visit's record.
  const ratings = view.satisfaction ?? [];
  if (ratings.length)
    visits.push({
      heading: w.followUp.rated,
      rows: ratings.map((r) =>
        row(
          `${L.role[view.parties[r.party]?.role ?? ''] ?? ''}${view.parties[r.party]?.name ?? ''}`,
          `${r.rating} / 5${r.comment ? `${sep}${r.comment}` : ''}（${when(r.at)}）`,
        ),
      ),
      paragraphs: [],
      people: null,
    });
  sections.push({
    anchor: 'follow-up',
    title: w.titles.followUp,
    remark: visits.length ? w.asNeeded : w.absent,
    items: visits,
  });

  // 7. 司法确认有关材料
  const confirmations = judicialOf(view);
  sections.push({
    anchor: 'judicial',
    title: w.titles.judicial,
    remark: confirmations.length ? w.asNeeded : w.absent,
    items: confirmations.map((j) => ({
      heading: j.number ? `${w.titles.judicial}${P.paren(j.number)}` : w.titles.judicial,
      rows: [
        row(w.judicial.filedAt, date(j.filedAt)),
        row(w.judicial.court, j.court),
        row(w.judicial.courtCase, j.caseNumber),
        row(w.judicial.ruling, j.rulingNumber),
        row(w.judicial.result, j.ruling ? w.judicial.rulings[j.ruling] : w.judicial.pending),
        ...(j.rulingAt ? [row(w.judicial.rulingAt, date(j.rulingAt))] : []),
      ],
      paragraphs: [],
      people: null,
    })),
  });

  // 8. 结案
  const refusal = view.refusal;
  const V = VOLUNTARINESS_LABELS[lang];
  sections.push({
    anchor: 'closing',
    title: w.titles.closing,
    remark: w.required,
    items: [
      {
        heading: w.titles.closing,
        rows: [
          row(w.closing.outcome, outcomeText(view.outcome)),
          row(w.closing.closedAt, view.closedAt ? when(view.closedAt) : w.pending),
          ...(view.failure
            ? [row(w.closing.failure, view.failure.reason), row(w.closing.referral, view.failure.referral)]
            : []),
          ...(view.withdrawal
            ? [
                row(
                  w.closing.withdrawal,
                  `${partyName(view.withdrawal.party) ?? view.withdrawal.by}${P.colon}${view.withdrawal.reason}`,
                ),
              ]
            : []),
          ...(refusal
            ? [
                row(w.closing.refusal, [...refusal.grounds.map((g) => V.grounds[g]), refusal.reason].join(P.semi)),
                row(w.closing.referral, refusal.referral),
              ]
            : []),
          ...(view.performanceDispute
            ? [
                row(
                  w.closing.performanceDispute,
                  `${view.performanceDispute.reason}${P.paren(view.performanceDispute.referral)}`,
                ),
              ]
            : []),
          // Who closed the case and who mediated it (2010 结案报告表: 调解员, 结案人).
          row(w.closing.closedBy, view.closedAt ? closerOf(view) : w.pending),
          row(w.closing.mediators, mediators.join(sep) || null),
        ],
        paragraphs: [],
        people: null,
      },
    ],
  });

  const numbered = sections.map((s, i) => ({ ...s, ordinal: i + 1 }));
  return {
    lang,
    caseNumber: view.caseNumber ?? '',
    title: w.fileTitle,
    committeeName: view.unit?.committeeName ?? '',
    cover: [
      row(w.cover.caseNumber, view.caseNumber),
      row(w.cover.cause, view.title),
      row(w.cover.category, L.category[view.category] ?? view.category),
      row(w.cover.source, sourceLabel(view, lang)),
      row(w.cover.parties, view.parties.map((p) => `${p.name}${P.paren(L.role[p.role] ?? w.party)}`).join(sep)),
      row(w.cover.acceptedAt, view.acceptedAt ? date(view.acceptedAt) : null),
      row(w.cover.closedAt, view.closedAt ? date(view.closedAt) : w.pending),
      row(w.cover.outcome, outcomeText(view.outcome)),
      row(w.cover.committee, view.unit?.committeeName),
      row(w.cover.mediator, mediators.join(sep) || null),
      row(w.cover.filedAt, frozenAt ? date(frozenAt) : w.pending),
      row(w.cover.count, w.countOf(numbered.filter((s) => s.items.length > 0).length)),
    ],
    index: numbered.map(({ ordinal, anchor, title, remark }) => ({ ordinal, anchor, title, remark })),
    sections: numbered,
    frozenAt,
    count: numbered.filter((s) => s.items.length > 0).length,
  };
}

/** A file's size as people read it (KB below a megabyte). */
function evidenceSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
