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
/**
 * The seed article's street case (汪家桥 maintenance fund), as a resident reports it: the resident
 * 程某 is the 反映人 (reporter), not a party; the parties are the owners' committee (an
 * unincorporated organisation, by its 负责人) and the property company (a legal person, by its
 * 法定代表人).
 */
export const wangjiaqiaoMaintenanceFund = () => ({
  gridCode: 'wangjiaqiao-g1',
  category: 'property',
  title: '物业公司与业委会维修基金使用纠纷',
  description: '居民程某反映，小区物业公司与业主委员会就住房维修基金的使用产生分歧，电梯与外墙维修迟迟无法启动。',
  parties: [
    {
      name: '某小区业主委员会',
      role: 'applicant',
      kind: 'organisation',
      orgType: 'unincorporated',
      representative: '周某',
      representativeTitle: '业主委员会主任',
      serviceAddress: '津市市汪家桥社区某小区物业用房',
    },
    {
      name: '津市市某物业服务有限公司',
      role: 'respondent',
      kind: 'organisation',
      orgType: 'legal_person',
      representative: '刘某',
      representativeTitle: '执行董事兼总经理',
      creditCode: '91430781MA4P8Q2K1X',
      serviceAddress: '津市市汪家桥街道某路88号',
    },
  ],
  reporter: { name: '程某', relation: '小区业主', address: '津市市汪家桥社区' },
  channel: '580-app',
});

export const taoliLiftNoise = () => ({
  gridCode: 'yufuci-taoli',
  category: 'noise',
  title: '小吃店货梯噪音扰民',
  description: '网格员李某巡查时，居民陈女士反映楼下小吃店的载货电梯噪音很大，夜间影响休息。',
  parties: [
    {
      name: '陈某',
      role: 'applicant',
      kind: 'person',
      sex: 'female',
      ethnicity: '汉族',
      age: 46,
      phone: '13800001111',
      address: '常德市武陵区渔父祠社区桃李小区3栋',
    },
    { name: '常德市某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
  ],
  channel: 'grid-patrol',
});

export const agreedTerms = () => ({
  facts: '小吃店载货电梯位于陈某住房正下方，早晚运货时噪音明显。',
  matters: '电梯噪音是否超标及整改责任。',
  responsibilities: '小吃店对电梯运行噪音负主要责任。',
  terms: [
    {
      text: '小吃店在电梯井加装隔音减振设施',
      obligor: '常德市某小吃店',
      method: '自行施工',
      place: '小吃店',
      dueDate: '2026-12-20',
    },
    {
      text: '小吃店向陈某一次性支付补偿款',
      obligor: '常德市某小吃店',
      amountFen: 1_200_000,
      method: '银行转账',
      place: '渔父祠社区调委会',
      dueDate: '2026-12-10',
    },
    { text: '晚22时至早7时不使用货梯', obligor: '常德市某小吃店', method: '自觉遵守', immediate: true },
  ],
});

/** A plain neighbours' dispute in 桃李 grid, two parties, reported by the grid worker's platform. */
export const hallwayClutter = () => ({
  gridCode: 'yufuci-taoli',
  category: 'neighbour',
  title: '楼道堆物纠纷',
  description: '两户邻居因楼道堆放杂物发生争执。',
  parties: [
    { name: '孙某', role: 'applicant' },
    { name: '李某', role: 'respondent' },
  ],
  channel: 'grid',
});
