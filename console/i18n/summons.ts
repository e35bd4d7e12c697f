/** The agency representative's summonses. Chinese first; English is the translation. */

export const zh = {
  summons: {
    title: '联合调解通知',
    none: '暂无待答复的通知。',
    answered: '已答复',
    when: '时间',
    where: '地点',
    agenda: '议题',
    case: '案件',
    answer: '答复',
  },
};

export const en: typeof zh = {
  summons: {
    title: 'Notices of joint mediation meetings',
    none: 'No meeting notices waiting for your answer.',
    answered: 'Answered',
    when: 'When',
    where: 'Where',
    agenda: 'Agenda',
    case: 'Case',
    answer: 'Answer',
  },
};
