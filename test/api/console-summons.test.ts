/**
 * Issue 24: the agency representative's summons cards. Each says by when to answer (the street's
 * report-in deadline, 报到时限; none for a community's invitation), whom to contact (the convening
 * unit with the directory's telephone, and the mediator; no party's phone), links the notice itself,
 * and the list runs in meeting order: coming meetings first, the soonest at the top; past ones after.
 */
import { beijingDateTime } from '../../domain/beijing-time';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const DAY = 86_400_000;
const PARTY_PHONE = '13800001111'; // taoliLiftNoise's applicant: never on an agency's card

/** A case of 汪家桥 whose meeting summons the safety station, by the community (invitation) or the street (convened). */
async function summoned(by: 'community' | 'street', at: () => string, tag: string) {
  const created = await api.create({
    ...taoliLiftNoise(),
    gridCode: 'wangjiaqiao-g1',
    title: `报到卡片测试 ${tag} ${Date.now()}`,
  });
  const community = await api.as('mediator@wangjiaqiao-community');
  await api.act(created.id, 'accept', {}, community);
  let mediator = community;
  if (by === 'street') {
    await api.act(created.id, 'escalate', { reason: '需街道召集相关部门联合调解' }, community);
    mediator = await api.as('mediator@wangjiaqiao-street');
    await api.act(created.id, 'accept', {}, mediator);
  }
  await api.consentAll(created.id, mediator);
  const view = await api.act(
    created.id,
    'schedule-meeting',
    { at: at(), place: `汪家桥社区会议室（${tag}）`, agencies: ['safety-station'], agenda: '明确整改责任' },
    mediator,
  );
  return { id: created.id, title: created.title as string, view };
}

async function loginAs(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res).find((c) => c.startsWith('fq_session='))!;
}
const visible = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
/** The card (<article>) whose heading is `title`. */
const cardOf = (html: string, title: string): string => {
  const at = html.indexOf(`>${title}</h3>`);
  if (at < 0) return '';
  return html.slice(html.lastIndexOf('<article', at), html.indexOf('</article>', at));
};

it('shows the reply deadline, the contact and the notice on each card, in meeting order with past meetings after', async () => {
  // Created in an order no list order of the API gives by chance: the page sorts by the meeting's time.
  const sooner = await summoned('community', () => new Date(Date.now() + DAY).toISOString(), '社区邀请');
  const later = await summoned('street', () => new Date(Date.now() + 3 * DAY).toISOString(), '街道召集');
  const middle = await summoned('community', () => new Date(Date.now() + 2 * DAY).toISOString(), '居中');
  const past = await summoned('community', () => meetingSoon(1_500), '已过');
  await untilMeetingStarts(past.view.meeting.at);

  const cookie = await loginAs('rep@safety-station');
  const res = await sys.app.inject({ url: '/console/summonses', headers: { cookie } });
  expect(res.statusCode).toBe(200);
  const html = res.body;

  // Order: the coming meetings soonest first, then the past one under its own heading.
  const pos = (title: string) => html.indexOf(`>${title}</h3>`);
  const positions = {
    sooner: pos(sooner.title),
    middle: pos(middle.title),
    later: pos(later.title),
    past: pos(past.title),
  };
  console.log('card positions:', positions);
  expect(positions.sooner).toBeGreaterThan(0);
  expect(positions.sooner).toBeLessThan(positions.middle);
  expect(positions.middle).toBeLessThan(positions.later);
  const pastHeading = html.indexOf('<h2>已过会议时间</h2>');
  expect(pastHeading).toBeGreaterThan(pos(later.title));
  expect(pos(past.title)).toBeGreaterThan(pastHeading);

  // The street convenes: answer by the report-in deadline, its time in Chinese form.
  const convened = cardOf(html, later.title);
  const dueAt = later.view.deadlines.report_in.dueAt as string;
  const text = visible(convened);
  console.log('convened card:', text);
  expect(text).toContain(`答复期限 请于${beijingDateTime(dueAt)}前确认报到`);
  expect(text).toContain(`时间 ${beijingDateTime(later.view.meeting.at)}`);
  expect(text).toContain('召集单位：汪家桥街道，电话 0736-4200110');
  expect(text).toMatch(/承办人：\S+/);
  expect(convened).toContain(`<a href="/api/v1/disputes/${later.id}/documents/summons">查看联合调解通知</a>`);
  expect(convened).toContain(`action="/console/cases/${later.id}/actions/confirm-attendance"`);
  expect(convened).toMatch(/<time datetime="[^"]+" data-dynamic>/);

  // The community invites: no report-in deadline, said so; its letter of invitation linked.
  const invited = visible(cardOf(html, sooner.title));
  expect(invited).toContain('答复期限 社区邀请参加，不设报到时限，请在会前答复');
  expect(invited).toContain('邀请单位：汪家桥社区，电话 0736-4200210');
  expect(cardOf(html, sooner.title)).toContain('查看联合调解邀请函');

  // The past meeting stays, without answer buttons.
  const gone = cardOf(html, past.title);
  expect(visible(gone)).toContain('会议时间已过');
  expect(gone).not.toContain('confirm-attendance');

  // The notice opens for the representative (the session cookie), as a copy without the parties' numbers.
  const notice = await sys.app.inject({ url: `/api/v1/disputes/${later.id}/documents/summons`, headers: { cookie } });
  expect(notice.statusCode).toBe(200);
  expect(notice.body).toContain('联合调解通知');
  expect(notice.body).not.toContain(PARTY_PHONE);
  // Personal data: no party's phone anywhere on the page, and no ISO timestamps for people to read.
  expect(html).not.toContain(PARTY_PHONE);
  expect(visible(html)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

  // Another agency's representative sees none of these cards.
  const other = await sys.app.inject({
    url: '/console/summonses',
    headers: { cookie: await loginAs('rep@housing-center') },
  });
  for (const c of [past, later, middle, sooner]) expect(other.body).not.toContain(c.title);
});
