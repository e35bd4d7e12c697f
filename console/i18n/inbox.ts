/** The inbox (work queue). Chinese first; English is the translation. */

export const zh = {
  inbox: {
    title: '本单位案件',
    overdueTitle: '区域超期案件',
    search: '搜索',
    searchHint: '案号、标题、当事人',
    stage: '阶段',
    overdue: '只看超期',
    filter: '筛选',
    number: '案号',
    case: '案件',
    unit: '承办单位',
    due: '时限',
    empty: '没有符合条件的案件。',
    more: '下一页',
    noDeadline: '—',
    left: '剩余',
    over: '已超时',
    warn: '即将超时',
    ok: '正常',
    breached: '已超时',
  },
};

export const en: typeof zh = {
  inbox: {
    title: "My unit's cases",
    overdueTitle: 'Overdue cases in my area',
    search: 'Search',
    searchHint: 'number, title, party',
    stage: 'Stage',
    overdue: 'Overdue only',
    filter: 'Filter',
    number: 'Number',
    case: 'Case',
    unit: 'Unit',
    due: 'Deadline',
    empty: 'No cases match.',
    more: 'Next page',
    noDeadline: '—',
    left: 'left',
    over: 'overdue by',
    warn: 'due soon',
    ok: 'on time',
    breached: 'overdue',
  },
};
