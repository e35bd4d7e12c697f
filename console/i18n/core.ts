/** Sign-in, navigation, roles and the countdown units. Chinese first; English is the translation. */

export const zh = {
  app: '枫桥矛盾纠纷调解平台',
  switchLang: 'English',
  login: '登录',
  logout: '退出',
  username: '用户名',
  password: '密码',
  loginTitle: '工作人员登录',
  loginFailed: '用户名或密码错误。连续输错多次后账户将暂时锁定，可请管理员解除。',
  loginCsrfFailed: '登录页面已过期或并非从本站提交，请重新登录。',
  sessionEnded: '登录已过期，请重新登录。',
  nav: {
    inbox: '案件',
    overdue: '超期案件',
    alerts: '预警',
    summonses: '联合调解通知',
    admin: '系统管理',
    calendars: '节假日安排',
    board: '平安指数',
    statistics: '统计分析',
  },
  role: {
    mediator: '调解员',
    supervisor: '负责人',
    admin: '管理员',
    agency_rep: '部门代表',
    grid_worker: '网格员',
  } as Record<string, string>,
  countdown: { d: '天', h: '小时', m: '分' },
};

export const en: typeof zh = {
  app: 'Fengqiao dispute mediation',
  switchLang: '中文',
  login: 'Log in',
  logout: 'Log out',
  username: 'Username',
  password: 'Password',
  loginTitle: 'Staff login',
  loginFailed:
    'Wrong username or password. After repeated failures the account is locked for a while; an administrator can lift it.',
  loginCsrfFailed: 'The login form has expired or did not come from this site: please log in again.',
  sessionEnded: 'Your session has ended; please log in again.',
  nav: {
    inbox: 'Cases',
    overdue: 'Overdue',
    alerts: 'Alerts',
    summonses: 'Meeting notices',
    admin: 'Administration',
    calendars: 'Holiday arrangements',
    board: 'Safety Index',
    statistics: 'Statistics',
  },
  role: {
    mediator: 'Mediator',
    supervisor: 'Supervisor',
    admin: 'Administrator',
    agency_rep: 'Agency representative',
    grid_worker: 'Grid worker',
  },
  countdown: { d: 'd', h: 'h', m: 'min' },
};
