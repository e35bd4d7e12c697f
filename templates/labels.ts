/** The words documents use for codes, per language. zh-CN is the legal original; English is a courtesy translation. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * The terms of the practice, one word for one thing, shared by the documents (below, and the
 * templates' own headings) and the staff console (console/i18n/*.ts read these entries). Listed in
 * docs/glossary.md; test/unit/console-words-glossary.test.ts proves the console's labels and the
 * documents use these words.
 */
export const GLOSSARY = {
  'zh-CN': {
    committee: '人民调解委员会',
    mediator: '人民调解员',
    party: '当事人',
    applicant: '申请人',
    respondent: '被申请人',
    thirdParty: '第三人',
    accept: '受理',
    notAccepted: '不予受理',
    record: '调解记录',
    jointMediation: '联合调解',
    suspend: '中止',
    resume: '恢复',
    terminate: '终止',
    failed: '调解不成',
    withdraw: '撤回',
    agreement: '人民调解协议书',
    oralAgreement: '口头协议',
    followUp: '回访',
    judicialConfirmation: '司法确认',
    rightsNotice: '权利义务告知书',
  },
  en: {
    committee: "people's mediation committee",
    mediator: 'People’s mediator',
    party: 'Party',
    applicant: 'Applicant',
    respondent: 'Respondent',
    thirdParty: 'Third party',
    accept: 'Accept',
    notAccepted: 'Not accepted',
    record: 'mediation record',
    jointMediation: 'Joint meeting',
    suspend: 'Suspend',
    resume: 'Resume',
    terminate: 'End',
    failed: 'Failed',
    withdraw: 'Withdrawn',
    agreement: "people's mediation agreement",
    oralAgreement: 'oral agreement',
    followUp: 'Follow-up',
    judicialConfirmation: 'judicial confirmation',
    rightsNotice: 'notice of rights and obligations',
  },
} as const satisfies Record<Lang, Record<string, string>>;
export type GlossaryTerm = keyof (typeof GLOSSARY)['zh-CN'];

const G = GLOSSARY['zh-CN'];
const GE = GLOSSARY.en;

export const LABELS = {
  'zh-CN': {
    sex: { male: '男', female: '女' } as Record<string, string>,
    role: { applicant: G.applicant, respondent: G.respondent, third_party: G.thirdParty } as Record<string, string>,
    method: { signature: '签名', seal: '盖章', fingerprint: '按指印', electronic: '电子签名' } as Record<
      string,
      string
    >,
    channel: {
      'grid-patrol': '网格员排查',
      grid: '网格员上报',
      '12345': '12345热线',
      '580-app': '平安常德580',
      open311: 'Open311',
      api: '系统对接',
    } as Record<string, string>,
    category: {
      neighbour: '邻里纠纷',
      property: '物业纠纷',
      noise: '噪音扰民',
      family: '婚姻家庭纠纷',
      labour: '劳动争议',
      consumer: '消费纠纷',
      land: '土地山林纠纷',
      traffic: '交通事故纠纷',
      other: '其他纠纷',
    } as Record<string, string>,
    answer: { confirmed: '已报到', declined: '不参加', none: '未答复' },
    /** An invitation's answer is not a 报到 (人民调解法 Art. 20). */
    invitedAnswer: { confirmed: '确认参加', declined: '不参加', none: '未答复' },
    meetingResult: { agreed: '达成协议', no_agreement: '未达成协议', adjourned: '休会' } as Record<string, string>,
    caseResult: {
      agreed: '达成调解协议',
      failed: '调解不成',
      withdrawn: '当事人撤回',
      ongoing: '调解进行中',
      notAccepted: G.notAccepted,
    },
    performed: { yes: '已履行', no: '未履行' },
    mediator: G.mediator,
  },
  en: {
    sex: { male: 'male', female: 'female' } as Record<string, string>,
    role: { applicant: GE.applicant, respondent: GE.respondent, third_party: GE.thirdParty } as Record<string, string>,
    method: {
      signature: 'signature',
      seal: 'seal',
      fingerprint: 'fingerprint',
      electronic: 'electronic signature',
    } as Record<string, string>,
    channel: {
      'grid-patrol': 'grid patrol',
      grid: 'grid worker report',
      '12345': '12345 hotline',
      '580-app': 'Ping’an Changde 580',
      open311: 'Open311',
      api: 'API',
    } as Record<string, string>,
    category: {
      neighbour: 'neighbour dispute',
      property: 'property management dispute',
      noise: 'noise nuisance',
      family: 'family dispute',
      labour: 'labour dispute',
      consumer: 'consumer dispute',
      land: 'land dispute',
      traffic: 'traffic accident dispute',
      other: 'other dispute',
    } as Record<string, string>,
    answer: { confirmed: 'reported in', declined: 'declined', none: 'no answer' },
    invitedAnswer: { confirmed: 'will attend', declined: 'declined', none: 'no answer' },
    meetingResult: { agreed: 'agreement reached', no_agreement: 'no agreement', adjourned: 'adjourned' } as Record<
      string,
      string
    >,
    caseResult: {
      agreed: 'mediation agreement reached',
      failed: 'mediation failed',
      withdrawn: 'withdrawn by a party',
      ongoing: 'mediation in progress',
      notAccepted: 'not accepted for mediation',
    },
    performed: { yes: 'performed', no: 'not performed' },
    mediator: GE.mediator,
  },
};
