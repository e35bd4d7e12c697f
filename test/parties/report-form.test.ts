/**
 * The public report form (/p/report): the same intake rules as the API, photos kept as evidence,
 * the reporter (反映人) kept apart from the parties, and spam refused (honeypot, a form filled too fast
 * or too old, too many links, too many posts from one address).
 */
import { partyLinkSecret } from '../../parties/links';
import { reportFormToken } from '../../parties/report-form';
import { apiOf } from '../helpers/api';
import { startSystem, type TestSystem } from '../helpers/system';
import { PNG, PhoneBrowser, field, textOf } from './page';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
/** The community's mediator: the public form's cases are the committee's, not any integrator's. */
let staff: Record<string, string>;

beforeAll(async () => {
  sys = await startSystem({ sendCode: async () => undefined });
  api = apiOf(sys);
  staff = await api.as('mediator@yufuci-community');
});
afterAll(() => sys?.close());

/** The form as served, its token made as if served `ageMs` ago (a person takes a while to fill it in). */
async function form(phone: PhoneBrowser, ageMs = 20_000) {
  const res = await phone.get('/p/report');
  expect(res.statusCode).toBe(200);
  const secret = await partyLinkSecret(sys.orm.em.fork());
  return {
    _csrf: field(res.body, '_csrf'),
    formToken: reportFormToken(secret, new Date(Date.now() - ageMs)),
    html: res.body,
  };
}

const resident = {
  category: 'noise',
  gridCode: 'yufuci-taoli',
  description: '楼下小吃店的载货电梯早晚运货，噪音很大，影响休息。',
  who: 'party',
  otherParty: '某小吃店',
  name: '陈某',
  phone: '13800001111',
  consent: 'yes',
};

describe('the public report form', () => {
  it('offers the directory’s grids and communities, a map point, and a honeypot', async () => {
    const { html } = await form(new PhoneBrowser(sys));
    expect(html).toContain('value="yufuci-taoli"');
    expect(html).toContain('name="lat"');
    expect(html).toMatch(/class="hp"[^]*name="website"/);
  });

  it('reports a resident’s own dispute with a photo: the resident is the applicant and follows the case', async () => {
    const phone = new PhoneBrowser(sys);
    const { _csrf, formToken } = await form(phone);
    const res = await phone.postMultipart('/p/report', { _csrf, formToken, website: '', ...resident }, [
      { field: 'photo1', name: '货梯.png', type: 'image/png', body: PNG },
    ]);
    expect(res.statusCode).toBe(201);
    const caseNumber = /id="case-number">([^<]+)</.exec(res.body)?.[1];
    expect(caseNumber).toMatch(/第\d+号/);
    expect(textOf(res.body)).toContain('已收到照片 1 张');
    const follow = /id="follow">([^<]+)</.exec(res.body)?.[1];
    expect(follow).toMatch(/\/p\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // Their page, at once (a session was started), and through the link.
    const mine = await phone.get('/p/case');
    expect(textOf(mine.body)).toContain(caseNumber!);
    const id = (
      await sys.orm.em.fork().getConnection().execute('select id from disputes where case_number = ?', [caseNumber])
    )[0]!.id;
    const c = await api.get(id, staff);
    expect(c.parties[0]).toMatchObject({ name: '陈某', role: 'applicant', phone: '13800001111' });
    // Another integrator never sees it.
    expect((await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: api.integrator })).statusCode).toBe(404);
    expect([c.source, c.channel, c.reporter]).toEqual(['party_application', 'public-form', undefined]);
    const evidence = (await api.events(id, staff)).filter((e) => e.type === 'evidence_added');
    expect(evidence.map((e) => e.payload.source)).toEqual(['public_form']);
  });

  it('keeps a bystander as 反映人, not a party, and no phone without consent', async () => {
    const phone = new PhoneBrowser(sys);
    const { _csrf, formToken } = await form(phone);
    const res = await phone.postMultipart('/p/report', {
      _csrf,
      formToken,
      ...resident,
      who: 'reporter',
      relation: '邻居',
      otherParty: '张某、李某',
      name: '刘某',
      consent: '',
    });
    expect(res.statusCode).toBe(201);
    const caseNumber = /id="case-number">([^<]+)</.exec(res.body)?.[1];
    const id = (
      await sys.orm.em.fork().getConnection().execute('select id from disputes where case_number = ?', [caseNumber])
    )[0]!.id;
    const c = await api.get(id, staff);
    expect(c.reporter).toEqual({ name: '刘某', relation: '邻居' });
    expect(c.parties.map((p: { name: string }) => p.name)).toEqual(['张某', '李某']);
    expect(c.source).toBe('ex_officio');
    expect(phone.cookie('fq_party')).toBeUndefined();
    const follow = /id="follow">[^<]*(\/p\/status\/[^<]+)</.exec(res.body)?.[1];
    const status = await phone.get(follow!);
    expect(status.statusCode).toBe(200);
    expect(textOf(status.body)).toContain('已登记，等待调解委员会受理');
    expect(status.body).not.toContain('张某');
  });

  it('places a report by its map point when no grid is chosen', async () => {
    const [u] = await sys.orm.em
      .fork()
      .getConnection()
      .execute(`select latitude, longitude from units where code = 'yufuci-taoli'`);
    if (u?.latitude == null) return; // a directory without coordinates: nothing to place by
    const phone = new PhoneBrowser(sys);
    const { _csrf, formToken } = await form(phone);
    const res = await phone.postMultipart('/p/report', {
      _csrf,
      formToken,
      ...resident,
      gridCode: '',
      lat: String(u.latitude),
      long: String(u.longitude),
    });
    expect(res.statusCode).toBe(201);
  });

  it('applies the API’s intake rules', async () => {
    const phone = new PhoneBrowser(sys);
    const tries: Array<[Record<string, string>, number]> = [
      [{ name: '陈'.repeat(101) }, 422],
      [{ description: '' }, 422],
      [{ phone: '138-abc' }, 422],
      [{ gridCode: 'no-such-grid' }, 400],
    ];
    for (const [change, status] of tries) {
      const { _csrf, formToken } = await form(phone);
      const res = await phone.postMultipart('/p/report', { _csrf, formToken, ...resident, ...change });
      expect([change, res.statusCode]).toEqual([change, status]);
    }
  });

  it('refuses the honeypot, a form sent too fast or too old, and text full of links', async () => {
    const phone = new PhoneBrowser(sys);
    const count = async () =>
      Number(
        (
          await sys.orm.em
            .fork()
            .getConnection()
            .execute(`select count(*)::int as n from disputes where state->>'channel' = 'public-form'`)
        )[0]!.n,
      );
    const before = await count();
    const served = await phone.get('/p/report');
    const attempts: Array<Record<string, string>> = [
      { ...(await form(phone)), website: 'http://spam.example' },
      { _csrf: field(served.body, '_csrf'), formToken: field(served.body, 'formToken') },
      { ...(await form(phone, 3 * 3600_000)) },
      { ...(await form(phone)), description: '看这里 http://a.example http://b.example http://c.example' },
      { ...(await form(phone)), formToken: 'forged.token' },
    ];
    for (const a of attempts) {
      const { html: _html, ...fields } = a as Record<string, string>;
      const res = await phone.postMultipart('/p/report', { ...resident, ...fields });
      expect(res.statusCode).toBe(400);
    }
    // Without the CSRF token.
    const { formToken } = await form(phone);
    expect((await phone.postMultipart('/p/report', { ...resident, formToken })).statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  it('is rate-limited per address', async () => {
    const phone = new PhoneBrowser(sys);
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const { _csrf, formToken } = await form(phone);
      statuses.push(
        (await phone.postMultipart('/p/report', { _csrf, formToken, ...resident, website: 'bot' })).statusCode,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
    // Another address is not held back.
    const other = new PhoneBrowser(sys);
    const { _csrf, formToken } = await form(other);
    expect((await other.postMultipart('/p/report', { _csrf, formToken, ...resident, website: 'bot' })).statusCode).toBe(
      400,
    );
  });
});
