import type { SlaPolicy } from '../../db/entities';

/** A wall-clock SLA policy for one test category, with timers long enough not to fire unless overridden. */
export const testPolicy = (category: string, over: Partial<SlaPolicy> = {}) => ({
  category,
  priority: 'normal',
  level: '*',
  acceptSeconds: 3600,
  handlingSeconds: 3600,
  reportInSeconds: 3600,
  signatureSeconds: 3600,
  followUpDays: 15,
  warningShare: 0.5,
  autoEscalate: true,
  calendar: 'wall-clock',
  ...over,
});

/** Requests shaped like the seed article's two cases. */
export const taoliLiftNoise = () => ({
  gridCode: 'yufuci-taoli',
  category: 'noise',
  title: '小吃店货梯噪音扰民',
  description: '网格员李某巡查时，居民陈女士反映楼下小吃店的载货电梯噪音很大，夜间影响休息。',
  parties: [
    { name: '陈某', role: 'applicant', kind: 'person', sex: 'female', ethnicity: '汉族', age: 46, phone: '13800001111', address: '常德市武陵区渔父祠社区桃李小区3栋' },
    { name: '常德市某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
  ],
  channel: 'grid-patrol',
});

export const agreedTerms = () => ({
  facts: '小吃店载货电梯位于陈某住房正下方，早晚运货时噪音明显。',
  matters: '电梯噪音是否超标及整改责任。',
  responsibilities: '小吃店对电梯运行噪音负主要责任。',
  terms: [
    { text: '小吃店在电梯井加装隔音减振设施', obligor: '常德市某小吃店', method: '自行施工', place: '小吃店', dueDate: '2026-12-20' },
    { text: '小吃店向陈某一次性支付补偿款', obligor: '常德市某小吃店', amountFen: 1_200_000, method: '银行转账', place: '渔父祠社区调委会', dueDate: '2026-12-10' },
    { text: '晚22时至早7时不使用货梯', obligor: '常德市某小吃店' },
  ],
});
