/**
 * What the demo history's past cases are about: realistic grassroots disputes (neighbours, property
 * fees, noise, family support, wage arrears, …) with fictional parties (陈某, 王某, 某物业公司), the
 * agreement a mediator would draft, and how a failed or withdrawn case would read. Used by
 * demo/past-history.ts; nothing here touches the database.
 */
import type { Category } from '../domain/lifecycle';
import type { Party, Term } from '../domain/types';

export interface CaseTexts {
  title: string;
  description: string;
  parties: Party[];
  facts: string;
  matters: string;
  responsibilities: string;
  losses?: string;
  /** Terms, given the China date `due(days)` a number of days after the agreement takes effect. */
  terms: (due: (days: number) => string) => Term[];
  note: string;
  escalationReason: string;
  failure: { reason: string; referral: string };
  withdrawal: string;
  /** Agencies a street would summon to a joint mediation of such a case. */
  agencies: string[];
  agenda: string;
}

export interface TextContext {
  /** A fictional person, e.g. 陈某 (a new surname each call). */
  person(): string;
  /** The name of the place (grid or community) where the dispute arose. */
  place: string;
  /** An integer amount of yuan in [min, max], rounded to `step`. */
  yuan(min: number, max: number, step?: number): number;
  pick<T>(items: readonly T[]): T;
}

const SURNAMES =
  '陈王李张刘赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文'.split(
    '',
  );
export const surnames = (): readonly string[] => SURNAMES;

const person = (name: string, role: Party['role'], extra: Partial<Party> = {}): Party => ({
  name,
  role,
  kind: 'person',
  ...extra,
});
const org = (name: string, role: Party['role'], representative: string): Party => ({
  name,
  role,
  kind: 'organisation',
  representative,
});
const fen = (yuan: number): number => yuan * 100;

type Template = (c: TextContext) => CaseTexts;

const TEMPLATES: Record<Category, Template[]> = {
  neighbour: [
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '空调外机滴水噪音影响楼下住户',
        description: `${c.place}居民${a}反映，楼上${b}家空调外机装在自家窗户正上方，夏天整夜滴水、运转噪音大，协商移位未果。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}家空调外机冷凝水未接管，滴落在${a}家窗台，外机支架松动产生噪音。`,
        matters: '空调外机移位、冷凝水导流。',
        responsibilities: `${b}应加装冷凝水管并加固支架。`,
        terms: (due) => [
          {
            text: `${b}为空调外机加装冷凝水导流管并加固支架`,
            obligor: b,
            method: '请专业人员施工',
            place: `${b}住所`,
            dueDate: due(7),
          },
        ],
        note: '上门查看外机安装位置，联系物业提供安装规范。',
        escalationReason: '涉及整栋楼外机安装规范，需街道协调物业统一整改。',
        failure: { reason: '被申请人拒绝移位或改装。', referral: '告知申请人可向人民法院提起相邻关系诉讼。' },
        withdrawal: '双方已自行协商解决，申请人撤回申请。',
        agencies: ['housing-center'],
        agenda: '空调外机安装与相邻关系',
      };
    },
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '房屋租赁押金退还纠纷',
        description: `${c.place}租户${a}反映，退租时房东${b}以墙面污损为由拒退押金，双方各执一词。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${a}租住${b}房屋一年，退租时墙面有轻微污损。`,
        matters: '押金退还及墙面修复费用扣除。',
        responsibilities: '房东可扣除合理修复费用，其余押金应退还。',
        terms: (due) => [
          {
            text: `${b}扣除墙面修复费300元后退还${a}剩余押金`,
            obligor: b,
            amountFen: fen(c.yuan(1200, 2700, 100)),
            method: '微信转账',
            dueDate: due(3),
          },
        ],
        note: '查看租赁合同和退租交接照片。',
        escalationReason: '双方矛盾较大，需街道司法所释法。',
        failure: { reason: '双方对扣款金额分歧较大。', referral: '告知当事人可向人民法院起诉。' },
        withdrawal: '房东已退还押金，申请人撤回申请。',
        agencies: ['justice-office'],
        agenda: '租赁押金退还',
      };
    },
    (c) => {
      const [a, b] = [c.person(), c.person()];
      const amount = c.yuan(800, 3500, 100);
      return {
        title: '楼上卫生间渗水致楼下天花板霉变',
        description: `${c.place}居民${a}反映，楼上住户${b}家卫生间长期渗水，自家卫生间和客厅天花板发霉、墙皮脱落，多次沟通未果。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `经现场查看，${b}家卫生间防水层老化，渗水导致${a}家天花板及墙面霉变。`,
        matters: '渗水维修责任及墙面修复费用。',
        responsibilities: `${b}对渗水负主要责任，应负责维修并补偿修复费用。`,
        losses: `${a}家天花板及墙面需重新处理，估价${amount}元。`,
        terms: (due) => [
          {
            text: `${b}自费请专业人员重做卫生间防水`,
            obligor: b,
            method: '自行施工',
            place: `${b}住所`,
            dueDate: due(10),
          },
          {
            text: `${b}一次性补偿${a}墙面修复费用`,
            obligor: b,
            amountFen: fen(amount),
            method: '现金支付',
            place: '社区人民调解委员会',
            dueDate: due(5),
          },
        ],
        note: '上门查看渗水点，拍照留存，约双方到调解室面谈。',
        escalationReason: '渗水原因涉及楼栋公共管道，需街道协调物业和检测单位。',
        failure: {
          reason: '双方对渗水原因和补偿金额分歧较大，调解未成。',
          referral: '告知当事人可委托检测后向人民法院提起诉讼。',
        },
        withdrawal: '双方自行协商达成一致，申请人撤回调解申请。',
        agencies: ['housing-center', 'justice-office'],
        agenda: '查明渗水原因，明确维修责任和费用分担',
      };
    },
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '楼道堆放杂物引发邻里矛盾',
        description: `${c.place}居民${a}反映，对门邻居${b}长期在楼道堆放纸箱和旧家具，影响通行和消防安全，双方多次发生口角。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}在楼道堆放杂物，占用公共通道，存在消防隐患。`,
        matters: '楼道杂物清理及公共区域使用。',
        responsibilities: `${b}应清理杂物，双方共同维护楼道整洁。`,
        terms: (due) => [
          { text: `${b}清理楼道内全部杂物`, obligor: b, method: '自行清理', place: '所在楼道', dueDate: due(3) },
          { text: '双方今后均不在楼道等公共区域堆放物品', obligor: `${a}、${b}`, method: '自觉遵守', immediate: true },
        ],
        note: '会同网格员查看楼道，向双方讲解消防安全要求。',
        escalationReason: '涉及多户共用楼道的管理问题，需街道协调物业统一整治。',
        failure: { reason: '被申请人拒不接受调解。', referral: '告知申请人可向物业服务企业和消防部门反映。' },
        withdrawal: '被申请人已主动清理杂物，申请人撤回申请。',
        agencies: ['safety-station', 'police'],
        agenda: '楼道消防隐患整治和邻里关系修复',
      };
    },
  ],
  property: [
    (c) => {
      const [a, m] = [c.person(), c.person()];
      return {
        title: '小区绿地被改建停车位引发业主争议',
        description: `${c.place}业主${a}等人反映，物业公司未经业主大会同意将楼间绿地改建为收费停车位，部分业主强烈反对。`,
        parties: [person(a, 'applicant'), org('某物业服务有限公司', 'respondent', m)],
        facts: '物业公司未经业主共同决定改变共有部分用途。',
        matters: '绿地恢复及停车位规划。',
        responsibilities: '改变共有部分用途须经业主共同决定（民法典第二百七十八条）。',
        terms: (due) => [
          {
            text: '物业公司停止施工，恢复已破坏的绿地',
            obligor: '某物业服务有限公司',
            method: '自行施工恢复',
            dueDate: due(20),
          },
          {
            text: '停车位规划提交业主大会表决后实施',
            obligor: '某物业服务有限公司',
            method: '提交业主大会表决',
            dueDate: due(60),
          },
        ],
        note: '现场查看施工情况，联系业委会。',
        escalationReason: '涉及规划和共有部分用途变更，需街道协调住建部门。',
        failure: { reason: '物业公司坚持施工。', referral: '告知业主可向住建部门投诉或依法起诉。' },
        withdrawal: '物业公司已停止施工，申请人撤回申请。',
        agencies: ['housing-center'],
        agenda: '共有部分用途变更',
      };
    },
    (c) => {
      const owner = c.person();
      const manager = c.person();
      const amount = c.yuan(1200, 4800, 100);
      return {
        title: '业主以服务质量差为由拒交物业费',
        description: `${c.place}某小区物业公司反映，业主${owner}以保洁绿化不到位为由连续两年未交物业费；业主称多次报修无人处理。`,
        parties: [org('常德某物业服务有限公司', 'applicant', manager), person(owner, 'respondent')],
        facts: `${owner}拖欠物业费两年，物业公司在保洁、报修响应方面存在服务不到位的情况。`,
        matters: '欠缴物业费的补交及物业服务整改。',
        responsibilities: '业主应依约交纳物业费；物业公司应改进服务、及时处理报修。',
        terms: (due) => [
          {
            text: `${owner}补交所欠物业费`,
            obligor: owner,
            amountFen: fen(amount),
            method: '银行转账',
            place: '物业服务中心',
            dueDate: due(15),
          },
          {
            text: '物业公司在一个月内完成楼栋保洁和报修事项整改',
            obligor: '常德某物业服务有限公司',
            method: '自行整改',
            dueDate: due(30),
          },
        ],
        note: '分别约谈物业公司负责人和业主，调取近两年报修记录。',
        escalationReason: '同一小区多户业主存在类似情况，需街道协调住建部门介入。',
        failure: {
          reason: '双方就减免金额未能达成一致。',
          referral: '告知物业公司可依法提起诉讼，业主可向住建部门投诉服务质量。',
        },
        withdrawal: '业主已补交物业费，物业公司撤回申请。',
        agencies: ['housing-center'],
        agenda: '物业服务质量核查与欠费处理',
      };
    },
    (c) => {
      const [a, m] = [c.person(), c.person()];
      return {
        title: '电梯频繁故障维修责任纠纷',
        description: `${c.place}某小区业主代表${a}反映，单元电梯一个月内多次困人停运，物业公司与业主就维修资金使用和责任各执一词。`,
        parties: [person(a, 'applicant'), org('某物业服务有限公司', 'respondent', m)],
        facts: '电梯主要部件老化，需要大修；维修资金的使用须经业主表决。',
        matters: '电梯维修责任、维修资金使用程序。',
        responsibilities: '物业公司负责组织维修和日常维保，业主按程序表决使用维修资金。',
        terms: (due) => [
          {
            text: '物业公司委托有资质的单位对电梯进行检测并出具维修方案',
            obligor: '某物业服务有限公司',
            method: '委托检测机构',
            dueDate: due(7),
          },
          { text: '业主代表组织本单元业主表决维修资金使用方案', obligor: a, method: '召集业主表决', dueDate: due(20) },
        ],
        note: '查阅电梯维保记录，联系特种设备检验机构。',
        escalationReason: '涉及电梯安全和维修资金使用，超出社区协调能力，申请街道协调。',
        failure: {
          reason: '业主表决未达法定比例，维修方案无法确定。',
          referral: '告知当事人可向住房保障部门申请应急维修程序。',
        },
        withdrawal: '物业公司已完成维修，申请人撤回申请。',
        agencies: ['safety-station', 'housing-center'],
        agenda: '电梯安全隐患、维修责任和维修资金使用',
      };
    },
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '私家车位长期被他人占用',
        description: `${c.place}居民${a}反映，自己购买的地下车位经常被${b}的车辆占用，物业多次劝离无效。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}多次将车辆停放在${a}的产权车位。`,
        matters: '车位使用权及占用行为的纠正。',
        responsibilities: `${b}应停止占用他人车位并赔礼道歉。`,
        terms: (due) => [
          { text: `${b}不再占用${a}的车位，并当面赔礼道歉`, obligor: b, method: '当面致歉', dueDate: due(1) },
          { text: '物业公司在车位加装地锁', obligor: '小区物业服务中心', method: '自行安装', dueDate: due(7) },
        ],
        note: '调取停车场监控录像，核实车位产权证明。',
        escalationReason: '小区车位管理混乱，需要街道协调物业整体整改。',
        failure: { reason: '被申请人否认占用事实。', referral: '告知申请人可向公安机关反映或向人民法院起诉。' },
        withdrawal: '被申请人已另租车位，申请人撤回申请。',
        agencies: ['police', 'housing-center'],
        agenda: '小区停车秩序整治',
      };
    },
  ],
  noise: [
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '邻居装修超时施工噪音扰民',
        description: `${c.place}居民${a}反映，楼上${b}家装修经常在中午和晚上使用电钻切割，家中老人和小孩无法休息。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}家装修在午休和夜间时段施工，噪音影响邻居休息。`,
        matters: '装修施工时间和噪音控制。',
        responsibilities: `${b}应遵守小区装修管理规定。`,
        terms: () => [
          {
            text: '工作日8:00—12:00、14:30—18:00施工，周末不进行电钻、切割等高噪音作业',
            obligor: b,
            method: '自觉遵守',
            place: `${b}住所`,
            immediate: true,
          },
          { text: `${b}向${a}家当面致歉`, obligor: b, method: '当面致歉', immediate: true },
        ],
        note: '与物业核对装修备案，约装修负责人到场。',
        escalationReason: '噪音问题反复发生，需要街道协调执法部门。',
        failure: { reason: '双方对施工时间安排分歧较大。', referral: '告知申请人可向生态环境部门或公安机关反映。' },
        withdrawal: '装修已完工，申请人撤回申请。',
        agencies: ['environment', 'police'],
        agenda: '装修噪音管控',
      };
    },
    (c) => {
      const [a, leader] = [c.person(), c.person()];
      return {
        title: '广场舞音响音量过大影响休息',
        description: `${c.place}临街住户${a}反映，小区广场舞队每晚音响音量过大、持续到深夜，影响休息。`,
        parties: [person(a, 'applicant'), org('某广场舞队', 'respondent', leader)],
        facts: '广场舞队在小区广场使用大功率音响，晚间音量超出居民可承受范围。',
        matters: '活动时间和音量控制。',
        responsibilities: '广场舞队应控制音量和活动时间。',
        terms: () => [
          {
            text: '活动于每晚21:00前结束，音响音量控制在60分贝以下',
            obligor: '某广场舞队',
            method: '自觉遵守',
            place: '小区广场',
            immediate: true,
          },
          { text: '广场舞队改用蓝牙耳机或低功率音响', obligor: '某广场舞队', method: '自行购置', immediate: true },
        ],
        note: '晚间到现场测量音量，与舞队负责人沟通。',
        escalationReason: '涉及公共场所噪音管理，需要街道协调执法部门。',
        failure: { reason: '舞队成员不认可限制时间的方案。', referral: '告知申请人可向公安机关反映。' },
        withdrawal: '舞队已迁往公园活动，申请人撤回申请。',
        agencies: ['environment', 'police'],
        agenda: '公共场所噪音管控',
      };
    },
  ],
  family: [
    (c) => {
      const s0 = c.pick(SURNAMES);
      const [a, b] = [`${s0}某甲`, `${s0}某乙`];
      return {
        title: '兄弟分割父母遗留房屋纠纷',
        description: `${c.place}居民${a}反映，父母去世后留下一套老房，弟弟${b}一直居住并拒绝协商分割，兄弟多年不来往。`,
        parties: [person(a, 'applicant', { sex: 'male' }), person(b, 'respondent', { sex: 'male' })],
        facts: '父母未留遗嘱，房屋由两兄弟法定继承。',
        matters: '遗产房屋的分割方式及补偿。',
        responsibilities: '两人为同一顺序法定继承人，应均等继承（民法典第一千一百三十条）。',
        terms: (due) => [
          {
            text: `房屋归${b}所有，${b}向${a}支付折价补偿款`,
            obligor: b,
            amountFen: fen(c.yuan(80000, 160000, 1000)),
            method: '银行转账',
            dueDate: due(30),
          },
          {
            text: '双方共同办理房屋继承过户手续',
            obligor: `${a}、${b}`,
            method: '共同到不动产登记机构办理',
            dueDate: due(45),
          },
        ],
        note: '分别走访兄弟二人，了解房屋现状和评估价格。',
        escalationReason: '标的较大，需街道司法所参与释法。',
        failure: { reason: '双方对补偿金额分歧较大。', referral: '告知当事人可向人民法院提起继承纠纷诉讼。' },
        withdrawal: '双方已委托律师协商，申请人撤回申请。',
        agencies: ['justice-office'],
        agenda: '继承房屋分割',
      };
    },
    (c) => {
      const s = c.pick(SURNAMES);
      const [mother, a, b] = [`${s}某`, `${s}某甲`, `${s}某乙`];
      const amount = c.yuan(400, 1200, 100);
      return {
        title: '子女赡养费分摊家庭纠纷',
        description: `${c.place}老人${mother}（78岁）反映，两个子女对赡养费和日常照料分工互相推诿，老人生活无人照顾。`,
        parties: [
          person(mother, 'applicant', { sex: 'female', age: 78 }),
          person(a, 'respondent'),
          person(b, 'respondent'),
        ],
        facts: `${mother}年老多病，两名子女均有赡养能力，但对分担方式存在分歧。`,
        matters: '赡养费数额、支付方式及日常照料。',
        responsibilities: '子女对父母有赡养扶助的法定义务（民法典第一千零六十七条）。',
        terms: (due) => [
          {
            text: `${a}、${b}每人每月支付赡养费`,
            obligor: `${a}、${b}`,
            amountFen: fen(amount),
            method: '每月5日前转账',
            place: `${mother}住所`,
            dueDate: due(10),
          },
          { text: '两人轮流每周陪同老人就医、照料生活', obligor: `${a}、${b}`, method: '轮流照料', immediate: true },
        ],
        note: '分别走访老人和两名子女，了解家庭经济情况。',
        escalationReason: '家庭矛盾较深，需街道司法所参与释法。',
        failure: {
          reason: '子女一方拒不承担赡养义务。',
          referral: '告知老人可向人民法院提起赡养费诉讼，社区协助申请法律援助。',
        },
        withdrawal: '家庭内部已达成一致，申请人撤回申请。',
        agencies: ['justice-office'],
        agenda: '赡养义务释法与分担方案',
      };
    },
  ],
  labour: [
    (c) => {
      const [a, boss] = [c.person(), c.person()];
      const amount = c.yuan(6000, 28000, 500);
      return {
        title: '装修工人讨要拖欠工钱',
        description: `${c.place}装修工人${a}等3人反映，为某装饰工程部施工两个月，完工后工钱一直未结清。`,
        parties: [person(a, 'applicant', { occupation: '装修工人' }), org('某装饰工程部', 'respondent', boss)],
        facts: `${a}等3人为某装饰工程部完成装修施工，工程部尚欠工钱${amount}元。`,
        matters: '拖欠劳务报酬的支付。',
        responsibilities: '某装饰工程部应足额支付劳务报酬。',
        terms: (due) => [
          {
            text: `某装饰工程部向${a}等3人支付所欠工钱`,
            obligor: '某装饰工程部',
            amountFen: fen(amount),
            method: '银行转账',
            place: '社区人民调解委员会',
            dueDate: due(7),
          },
        ],
        note: '核对考勤记录和工程结算单，电话联系工程部负责人。',
        escalationReason: '涉及拖欠农民工工资，需要街道协调人社部门。',
        failure: {
          reason: '工程部负责人拒绝支付。',
          referral: '告知当事人可向劳动保障监察机构投诉或申请劳动仲裁，并协助申请法律援助。',
        },
        withdrawal: '工程部已结清工钱，申请人撤回申请。',
        agencies: ['labor', 'justice-office'],
        agenda: '核实欠薪金额，督促支付',
      };
    },
    (c) => {
      const [a, boss] = [c.person(), c.person()];
      const amount = c.yuan(2500, 9000, 100);
      return {
        title: '餐馆员工离职工资结算纠纷',
        description: `${c.place}某餐馆前员工${a}反映，离职时餐馆以损坏餐具为由扣发最后一个月工资。`,
        parties: [person(a, 'applicant'), org('某餐馆', 'respondent', boss)],
        facts: `餐馆扣发${a}工资，扣款依据不足。`,
        matters: '离职工资的结算。',
        responsibilities: '餐馆应按约支付工资，不得无据扣款。',
        terms: (due) => [
          {
            text: `某餐馆向${a}支付剩余工资`,
            obligor: '某餐馆',
            amountFen: fen(amount),
            method: '微信转账',
            dueDate: due(3),
          },
        ],
        note: '调取工资条和聊天记录，约餐馆负责人面谈。',
        escalationReason: '用人单位拒不配合，需街道协调人社部门。',
        failure: { reason: '双方对扣款金额分歧较大。', referral: '告知当事人可申请劳动仲裁。' },
        withdrawal: '餐馆已支付工资，申请人撤回申请。',
        agencies: ['labor'],
        agenda: '工资结算核查',
      };
    },
  ],
  consumer: [
    (c) => {
      const [a, boss] = [c.person(), c.person()];
      const amount = c.yuan(3000, 12000, 500);
      return {
        title: '家装公司施工质量纠纷',
        description: `${c.place}居民${a}反映，新房装修入住不到半年卫生间瓷砖空鼓开裂，装修公司拖延返修。`,
        parties: [person(a, 'applicant'), org('某装饰设计有限公司', 'respondent', boss)],
        facts: '卫生间瓷砖大面积空鼓，属施工质量问题，仍在保修期内。',
        matters: '返修及损失赔偿。',
        responsibilities: '装修公司应在保修期内免费返修。',
        terms: (due) => [
          { text: '装修公司免费返修卫生间瓷砖', obligor: '某装饰设计有限公司', method: '上门返修', dueDate: due(15) },
          {
            text: `装修公司补偿${a}返修期间的损失`,
            obligor: '某装饰设计有限公司',
            amountFen: fen(amount),
            method: '银行转账',
            dueDate: due(20),
          },
        ],
        note: '现场查看空鼓情况，核对装修合同保修条款。',
        escalationReason: '需市场监管部门认定施工质量。',
        failure: { reason: '装修公司否认质量问题。', referral: '告知当事人可申请质量鉴定后向人民法院起诉。' },
        withdrawal: '装修公司已返修，申请人撤回申请。',
        agencies: ['market-regulation'],
        agenda: '装修质量认定与返修',
      };
    },
    (c) => {
      const [a, boss] = [c.person(), c.person()];
      const amount = c.yuan(800, 3000, 100);
      return {
        title: '美发店预付卡退费纠纷',
        description: `${c.place}居民${a}反映，在某美发店办理的储值卡尚有余额，店铺装修停业后拒绝退费。`,
        parties: [person(a, 'applicant'), org('某美发店', 'respondent', boss)],
        facts: `${a}储值卡余额${amount}元，店铺停业期间无法消费。`,
        matters: '预付卡余额退还。',
        responsibilities: '店铺应退还未消费余额。',
        terms: (due) => [
          {
            text: `某美发店退还${a}储值卡余额`,
            obligor: '某美发店',
            amountFen: fen(amount),
            method: '原路退回',
            dueDate: due(7),
          },
        ],
        note: '核对储值卡消费记录。',
        escalationReason: '同一店铺涉及多名消费者，需街道协调市场监管部门。',
        failure: { reason: '店铺经营者联系不上。', referral: '告知当事人可向市场监管部门投诉或向人民法院起诉。' },
        withdrawal: '店铺已退款，申请人撤回申请。',
        agencies: ['market-regulation'],
        agenda: '预付卡退费',
      };
    },
  ],
  land: [
    (c) => {
      const [a, b] = [c.person(), c.person()];
      return {
        title: '宅基地边界围墙纠纷',
        description: `${c.place}村民${a}反映，邻居${b}新砌围墙越过两家宅基地界线约半米，双方多次争执。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `经查阅宅基地证及现场丈量，${b}所砌围墙部分越界。`,
        matters: '宅基地界线及越界围墙的处理。',
        responsibilities: `${b}应拆除越界部分围墙。`,
        terms: (due) => [
          { text: `${b}拆除越界部分围墙，按原界址线重砌`, obligor: b, method: '自行施工', dueDate: due(20) },
          { text: '双方按宅基地证界址线为准，互不侵占', obligor: `${a}、${b}`, method: '自觉遵守', immediate: true },
        ],
        note: '查阅宅基地使用证，会同村组干部现场丈量。',
        escalationReason: '界址不清，需街道协调自然资源部门测量。',
        failure: { reason: '双方对界址线认定不一致。', referral: '告知当事人可申请确权或向人民法院起诉。' },
        withdrawal: '双方已自行协商确定界线，申请人撤回申请。',
        agencies: ['justice-office'],
        agenda: '界址认定与围墙处理',
      };
    },
  ],
  traffic: [
    (c) => {
      const [a, b] = [c.person(), c.person()];
      const amount = c.yuan(600, 2500, 100);
      return {
        title: '小区内倒车剐蹭车辆赔偿',
        description: `${c.place}居民${a}反映，停在楼下的车辆被${b}倒车剐蹭，对方只愿承担一半修车费。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `监控显示${b}倒车时剐蹭${a}停放的车辆。`,
        matters: '修车费用的承担。',
        responsibilities: `${b}负全部责任。`,
        terms: (due) => [
          { text: `${b}承担${a}车辆维修费用`, obligor: b, amountFen: fen(amount), method: '微信转账', dueDate: due(3) },
        ],
        note: '调取小区监控，查看维修报价单。',
        escalationReason: '双方要求交警认定责任。',
        failure: { reason: '被申请人不认可维修报价。', referral: '告知当事人可向人民法院起诉。' },
        withdrawal: '保险公司已理赔，申请人撤回申请。',
        agencies: ['police'],
        agenda: '剐蹭责任与赔偿',
      };
    },
    (c) => {
      const [a, b] = [c.person(), c.person()];
      const amount = c.yuan(1500, 8000, 100);
      return {
        title: '电动车与行人碰撞医疗费赔偿',
        description: `${c.place}居民${a}反映，在小区路口被${b}驾驶的电动车撞倒受伤，医疗费赔偿未谈拢。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}驾驶电动车未减速避让，致${a}摔伤，医疗费${amount}元。`,
        matters: '医疗费及误工费赔偿。',
        responsibilities: `${b}负主要责任。`,
        losses: `医疗费及误工费共计${amount}元。`,
        terms: (due) => [
          {
            text: `${b}赔偿${a}医疗费及误工费`,
            obligor: b,
            amountFen: fen(amount),
            method: '现金支付',
            place: '社区人民调解委员会',
            dueDate: due(5),
          },
        ],
        note: '查看交警事故认定书和医疗票据。',
        escalationReason: '赔偿金额较大，需街道协调交警部门。',
        failure: { reason: '双方对赔偿金额分歧较大。', referral: '告知当事人可向人民法院提起诉讼。' },
        withdrawal: '双方私下和解，申请人撤回申请。',
        agencies: ['police'],
        agenda: '事故责任和赔偿',
      };
    },
  ],
  other: [
    (c) => {
      const [a, b] = [c.person(), c.person()];
      const amount = c.yuan(600, 2400, 100);
      return {
        title: '宠物犬咬伤邻居赔偿纠纷',
        description: `${c.place}居民${a}反映，散步时被邻居${b}未拴绳的宠物犬咬伤小腿，打疫苗的费用赔偿未谈拢。`,
        parties: [person(a, 'applicant'), person(b, 'respondent')],
        facts: `${b}遛狗未拴绳，犬只咬伤${a}。`,
        matters: '医疗及疫苗费用赔偿、文明养犬。',
        responsibilities: `${b}作为饲养人应承担侵权责任（民法典第一千二百四十五条）。`,
        terms: (due) => [
          {
            text: `${b}赔偿${a}医疗及疫苗费用`,
            obligor: b,
            amountFen: fen(amount),
            method: '现金支付',
            dueDate: due(3),
          },
          { text: `${b}今后遛狗拴绳并及时清理犬只粪便`, obligor: b, method: '自觉遵守', immediate: true },
        ],
        note: '查看就医票据，了解犬只登记情况。',
        escalationReason: '饲养人拒不配合，需街道协调公安机关。',
        failure: { reason: '饲养人拒绝赔偿。', referral: '告知当事人可向人民法院起诉。' },
        withdrawal: '双方私下和解，申请人撤回申请。',
        agencies: ['police'],
        agenda: '犬只咬伤赔偿和文明养犬',
      };
    },
  ],
};

/** The texts of one past case of `category`, with fresh fictional names. */
export function caseTexts(category: Category, c: TextContext): CaseTexts {
  return c.pick(TEMPLATES[category])(c);
}
