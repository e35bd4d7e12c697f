/**
 * Refusals in the console's words (issue 24 item 2): the API gives each refusal a machine code
 * (`reason`, `errors[].code` with `params`) beside its English `detail` and `errors[].message`, and the
 * console says it in Chinese with the field named — or in English when switched — never the API's
 * English in the Chinese console. Forms posted as a browser without JavaScript posts them.
 */
import { reasonOf } from '../../console/context';
import { fieldErrorsOf } from '../../console/forms';
import { apiOf } from '../helpers/api';
import { consoleLogin } from '../helpers/console';
import { taoliLiftNoise, testPolicy } from '../helpers/fixtures';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';

/** Latin words of two letters or more (the rendered-page audit's rule; the names it allows do not occur here). */
const latinWords = (text: string): string[] => [...text.matchAll(/[A-Za-z][A-Za-z'’-]*[A-Za-z]/g)].map((m) => m[0]);

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(async () => sys?.close());

async function loginAs(username: string, lang?: 'en'): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  const set = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_session='))!;
  return `${set.split(';')[0]}${lang ? `; fq_lang=${lang}` : ''}`;
}

const page = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const post = (cookie: string, url: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return sys.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
};

/** The refusal notice of a case page, and the error under a field (by the field's id). */
const noticeOf = (html: string): string =>
  /<p class="notice error" role="alert">([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '') ?? '';
const fieldErrorOf = (html: string, id: string): string =>
  new RegExp(`<p class="field-error" id="${id}-err">([^<]*)</p>`).exec(html)?.[1] ?? '';

/** A case accepted by the community mediator, the parties' will on record: ready for a meeting. */
async function caseInMediation(title: string) {
  const created = await api.create({ ...taoliLiftNoise(), title: `${title} ${Date.now()}` });
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  return { id: created.id as string, mediator };
}

/** Beijing local time an hour ago, as a datetime-local input holds it. */
const anHourAgoInBeijing = (): string => new Date(Date.now() - 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);

describe('refusals in the console', () => {
  it('refuses a meeting in the past with the reason in Chinese, naming the field; the API keeps its English and adds the code', async () => {
    const { id, mediator } = await caseInMediation('控制台拒绝：过去的会议');
    // The API: the English detail integrators read, plus the machine code.
    const apiAnswer = await api.tryAct(
      id,
      'schedule-meeting',
      { at: new Date(Date.now() - 3600_000).toISOString(), place: '渔父祠社区调解室', agencies: ['safety-station'] },
      mediator,
    );
    expect(apiAnswer.statusCode).toBe(422);
    expect(apiAnswer.json()).toMatchObject({
      code: 'action_invalid',
      detail: 'the meeting must be in the future',
      reason: 'meeting_in_past',
      errors: [{ field: 'body/at', message: 'the meeting must be in the future', code: 'in_past' }],
    });

    const cookie = await loginAs('mediator@yufuci-community');
    const csrf = csrfOf((await page(cookie, `/console/cases/${id}`)).body);
    const res = await post(cookie, `/console/cases/${id}/actions/schedule-meeting`, {
      _csrf: csrf,
      at: anHourAgoInBeijing(),
      mode: 'on_site',
      place: '渔父祠社区调解室',
      agencies: 'safety-station',
    });
    expect(res.statusCode).toBe(422);
    const notice = noticeOf(res.body);
    console.log(`meeting in the past → «${notice}» · field: «${fieldErrorOf(res.body, 'schedule-meeting-at')}»`);
    expect(notice).toContain('联合调解的时间须晚于现在');
    expect(fieldErrorOf(res.body, 'schedule-meeting-at')).toBe('会议时间须晚于现在');
    expect(res.body).not.toContain('must be in the future');

    // Switched to English: the same refusal in English words.
    expect(reasonOf({ status: 422, body: apiAnswer.json() }, 'en')).toBe('The meeting must be in the future');
    expect(fieldErrorsOf(apiAnswer.json(), 'en')).toEqual({ at: 'Meeting time must be in the future' });
  });

  it('refuses an agreed outcome without matters and an agreement without matters, naming the fields in Chinese', async () => {
    const { id, mediator } = await caseInMediation('控制台拒绝：缺少争议事项');
    const at = meetingSoon(1_500);
    await api.act(id, 'schedule-meeting', { at, place: '渔父祠社区调解室', agencies: ['safety-station'] }, mediator);
    await untilMeetingStarts(at);
    const cookie = await loginAs('mediator@yufuci-community');
    const csrf = csrfOf((await page(cookie, `/console/cases/${id}`)).body);

    const outcome = await post(cookie, `/console/cases/${id}/actions/record-outcome`, {
      _csrf: csrf,
      result: 'agreed',
      facts: '电梯噪音影响休息',
      responsibilities: '物业公司负主要责任',
    });
    expect(outcome.statusCode).toBe(422);
    const notice = noticeOf(outcome.body);
    console.log(
      `agreed outcome without matters → «${notice}» · matters: «${fieldErrorOf(outcome.body, 'record-outcome-matters')}» · terms: «${fieldErrorOf(outcome.body, 'record-outcome-terms')}»`,
    );
    expect(notice).toContain('达成调解协议的，须写明争议事项、各方责任和至少一项协议条款');
    expect(fieldErrorOf(outcome.body, 'record-outcome-matters')).toBe('请填写争议事项');
    expect(fieldErrorOf(outcome.body, 'record-outcome-terms')).toBe('请填写协议条款');
    // Responsibilities were given: not marked.
    expect(fieldErrorOf(outcome.body, 'record-outcome-responsibilities')).toBe('');
    expect(outcome.body).not.toContain('an agreed outcome needs');
    expect(outcome.body).toContain('电梯噪音影响休息'); // what was typed is kept

    // The agreement form itself, without matters (a case in mediation, where the form is offered): the
    // API's validation, said in Chinese.
    const other = await caseInMediation('控制台拒绝：协议缺少争议事项');
    const resolve = await post(cookie, `/console/cases/${other.id}/actions/resolve`, {
      _csrf: csrf,
      facts: '电梯噪音影响休息',
      responsibilities: '物业公司负主要责任',
      'term0.text': '物业公司更换电梯曳引机减震垫',
      'term0.method': '物业公司自行施工',
      'term0.immediate': 'yes',
    });
    expect(resolve.statusCode).toBe(400);
    console.log(`agreement without matters → «${noticeOf(resolve.body)}»`);
    expect(noticeOf(resolve.body)).toContain('请填写争议事项');
    expect(fieldErrorOf(resolve.body, 'resolve-matters')).toBe('请填写争议事项');
    expect(resolve.body).not.toContain('must have required property');
  });

  it('says an SLA policy of 0 seconds refused by the admin API in Chinese, with the field and its limit', async () => {
    const admin = await api.as('admin');
    const res = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sla-policies',
      headers: admin,
      payload: testPolicy('other', { acceptSeconds: 0 }),
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    // What integrators read stays: code, detail, errors[].field/message; the code and its limit are added.
    expect(problem.code).toBe('validation_failed');
    expect(problem.requestId).toBe(res.headers['x-request-id']); // as every problem answer names its request
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'body/acceptSeconds', message: 'must be >= 1', code: 'minimum', params: { limit: 1 } },
      ]),
    );
    const zh = reasonOf({ status: res.statusCode, body: problem });
    console.log(`SLA of 0 seconds → «${zh}»`);
    expect(zh).toBe('所填内容有误：受理时限不能小于1秒');
    expect(latinWords(zh)).toEqual([]);
    expect(reasonOf({ status: res.statusCode, body: problem }, 'en')).toBe(
      'Some entries are not valid: Time to accept must be at least 1 s',
    );
  });

  it('falls back to a Chinese sentence with the code for a code it does not know, never the English detail', () => {
    const answer = (body: object): { status: number; body: object } => ({ status: 418, body });
    expect(reasonOf(answer({ code: 'teapot', detail: 'I am a teapot' }))).toBe('操作未能完成（代码：teapot）');
    expect(reasonOf(answer({ code: 'action_invalid', detail: 'some new English refusal' }))).toBe(
      '所填内容不能按此办理',
    );
    expect(reasonOf(answer({ code: 'action_invalid', detail: '中文原因 / English reason' }))).toBe('中文原因');
    expect(reasonOf(answer({ code: 'action_invalid', detail: '中文原因 / English reason' }), 'en')).toBe(
      'English reason',
    );
    expect(
      reasonOf(
        answer({ code: 'validation_failed', errors: [{ field: 'body/mystery', message: 'odd', code: 'odd_code' }] }),
      ),
    ).toBe('所填内容有误：一项内容（mystery）填写有误（代码：odd_code）');
  });
});
