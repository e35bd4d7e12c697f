/**
 * SLA policies in the administrator's console, in working days and hours, against the real system on a
 * database of its own (a policy added here would change the deadlines of the run's other files); and
 * 403 for everyone but an administrator on every admin page and form.
 */
import { WORKING_DAY_SECONDS } from '../../domain/calendar';
import { adminConsoleOnOwnDatabase, csrfOf, formFields, hrefOf, textOf } from '../helpers/console-admin';
import { expectStatus } from '../helpers/system';

const adm = adminConsoleOnOwnDatabase('sla');
const { loginAs, page, post } = adm;

describe('SLA policies in the console', () => {
  it('lists SLA policies in working days and hours, adds one as 2 working days 4 hours, and deletes it after confirmation', async () => {
    const cookie = await loginAs('admin');
    const slaPage = await page(cookie, '/console/admin/sla');
    expect(slaPage.statusCode).toBe(200);
    const listText = textOf(slaPage);
    // The defaults: 1 working day to accept, 22 to settle; report-in 4 hours; the urgent fallback in calendar days.
    expect(listText).toMatch(
      /全部类别 \/ 普通 \/ 全部层级 1个工作日 22个工作日 4小时 3个工作日 15天 80% 工作日（含调休） 兜底规则，不可删除/,
    );
    expect(listText).toMatch(/全部类别 \/ 紧急 \/ 全部层级 1小时 3天 2小时 1天 7天 80% 自然日/);
    expect(listText).not.toMatch(/seconds|cn-workdays|wall-clock|acceptSeconds/);
    expect(slaPage.body).toMatch(
      /<legend>受理时限<span class="req" aria-hidden="true">＊<\/span><span class="sr-only">必填<\/span><\/legend>/,
    );
    const csrf = csrfOf(slaPage.body);
    const form = {
      _csrf: csrf,
      category: 'noise',
      priority: 'normal',
      level: 'community',
      acceptDays: '2',
      acceptHours: '4',
      handlingDays: '10',
      handlingHours: '0',
      reportInDays: '0',
      reportInHours: '4',
      signatureDays: '3',
      signatureHours: '0',
      followUpDays: '15',
      warningPercent: '80',
      autoEscalate: 'true',
      calendar: 'cn-workdays',
    };
    // The console's checks, in Chinese.
    const tooManyHours = await post(cookie, '/console/admin/sla/add', { ...form, acceptHours: '7' });
    expect(tooManyHours.statusCode).toBe(400);
    expect(textOf(tooManyHours)).toContain('受理时限的小时数须小于一天（6.5 小时），多出的请计入天数。');
    const zero = await post(cookie, '/console/admin/sla/add', { ...form, handlingDays: '0' });
    expect(textOf(zero)).toContain('办结时限须大于 0。');
    const notNumber = await post(cookie, '/console/admin/sla/add', { ...form, signatureDays: '三' });
    expect(textOf(notNumber)).toContain('协议签署时限须填写不小于 0 的数字。');

    const added = await post(cookie, '/console/admin/sla/add', form);
    if (added.statusCode !== 303) console.log(textOf(added));
    expect(added.statusCode).toBe(303);
    const listed = await page(cookie, added.headers.location as string);
    expect(textOf(listed)).toContain('已新增时限规则。');
    expect(textOf(listed)).toMatch(
      /噪音扰民 \/ 普通 \/ 社区 2个工作日4小时 10个工作日 4小时 3个工作日 15天 80% 工作日（含调休） 删除/,
    );
    // Stored as the API expects: seconds of working time (a working day is 6.5 office hours).
    const policies = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/sla-policies', headers: await adm.api.as('admin') }),
      200,
    );
    const policy = policies.items.find(
      (p: { category: string; level: string }) => p.category === 'noise' && p.level === 'community',
    );
    expect(WORKING_DAY_SECONDS).toBe(23_400);
    expect(policy).toMatchObject({
      acceptSeconds: 2 * 23_400 + 4 * 3600,
      handlingSeconds: 10 * 23_400,
      reportInSeconds: 4 * 3600,
      signatureSeconds: 3 * 23_400,
      followUpDays: 15,
      warningShare: 0.8,
      autoEscalate: true,
      calendar: 'cn-workdays',
    });
    // Its edit form shows the same days and hours.
    expect(listed.body).toContain(
      `id="s${policy.id}-accept-d" name="acceptDays" inputmode="numeric" pattern="[0-9]{1,3}" required value="2"`,
    );
    expect(listed.body).toContain(
      `id="s${policy.id}-accept-h" name="acceptHours" inputmode="decimal" pattern="[0-9]{1,3}([.][0-9]{1,2})?" required value="4"`,
    );
    // The same scope again: the API's refusal in Chinese.
    const twice = await post(cookie, '/console/admin/sla/add', form);
    expect(twice.statusCode).toBe(400);
    expect(textOf(twice)).toContain('这一纠纷类别、紧急程度和层级已有一条规则，请修改那一条。');

    // Deleting: the confirmation page, then the confirmed form.
    const confirmHref = hrefOf(listed.body, new RegExp(`href="(/console/admin/sla-delete/confirm\\?id=${policy.id})"`));
    const confirmPage = await page(cookie, confirmHref);
    expect(textOf(confirmPage)).toContain(
      '删除后，此后开始计时的时限改按其余规则中最具体的一条计算；已在计时的时限不变。此操作不可撤回。',
    );
    expect(textOf(confirmPage)).toContain('噪音扰民 / 普通 / 社区：受理时限 2个工作日4小时');
    const fields = formFields(confirmPage.body, '/console/admin/sla/delete');
    const unconfirmed = await post(cookie, '/console/admin/sla/delete', {
      _csrf: fields._csrf!,
      id: String(policy.id),
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(textOf(unconfirmed)).toContain('此操作须先确认');
    const still = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/sla-policies', headers: await adm.api.as('admin') }),
      200,
    );
    expect(still.items.some((p: { id: number }) => p.id === policy.id)).toBe(true);
    const deleted = await post(cookie, '/console/admin/sla/delete', fields);
    expect(deleted.statusCode).toBe(303);
    expect(textOf(await page(cookie, deleted.headers.location as string))).toContain('时限规则已删除。');
    const gone = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/sla-policies', headers: await adm.api.as('admin') }),
      200,
    );
    expect(gone.items.some((p: { id: number }) => p.id === policy.id)).toBe(false);
    // A fallback offers no delete, and a forged confirmed delete is refused in Chinese.
    const fallback = gone.items.find(
      (p: { category: string; priority: string; level: string }) =>
        p.category === '*' && p.priority === 'normal' && p.level === '*',
    );
    const forged = await post(cookie, '/console/admin/sla/delete', {
      _csrf: csrf,
      id: String(fallback.id),
      confirm: 'yes',
    });
    expect(forged.statusCode).toBe(400);
    expect(textOf(forged)).toContain('兜底规则不能删除');
    console.log(
      'sla: stored',
      policy.acceptSeconds,
      's for 2 working days 4 hours; unconfirmed delete 400; confirmed 303; fallback refused',
    );
  });
  it('gives a mediator 403 on every admin page and form', async () => {
    const cookie = await loginAs('mediator@yufuci-community');
    const csrf = csrfOf((await page(cookie, '/console/inbox')).body);
    expect(csrf).not.toBe('');
    const users = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/users', headers: await adm.api.as('admin') }),
      200,
    );
    const someone = users.items[0].id as string;
    const pages = [
      '/console/admin',
      '/console/admin/sla',
      `/console/admin/users/${someone}`,
      '/console/admin/key-revoke/confirm?id=x',
      `/console/admin/user-active/confirm?id=${someone}&active=false`,
      `/console/admin/user-seal/confirm?id=${someone}&sealAuthorised=false`,
      '/console/admin/sla-delete/confirm?id=1',
    ];
    const forms = [
      '/console/admin/key-revoke',
      '/console/admin/user-active',
      '/console/admin/key-add',
      '/console/admin/sla/add',
      '/console/admin/sla/edit',
      '/console/admin/sla/delete',
      `/console/admin/users/${someone}`,
      `/console/admin/users/${someone}/password`,
    ];
    const got: Array<[string, number]> = [];
    for (const url of pages) got.push([url, (await page(cookie, url)).statusCode]);
    for (const url of forms)
      got.push([
        url,
        (
          await post(cookie, url, {
            _csrf: csrf,
            id: someone,
            confirm: 'yes',
            mode: 'generate',
            ack: 'yes',
            active: 'false',
          })
        ).statusCode,
      ]);
    expect(got).toEqual([...pages, ...forms].map((url) => [url, 403]));
    const refused = await page(cookie, '/console/admin/sla');
    expect(refused.statusCode).toBe(403);
    expect(textOf(refused)).toMatch(/[\u4e00-\u9fff]/);
    console.log('403 on', got.length, 'admin pages and forms');
  });
});
