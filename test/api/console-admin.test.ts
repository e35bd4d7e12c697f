/**
 * The administrator's console over HTTP (no browser), against the real system on a database of its own
 * (it deactivates an admin, which the run's other files must not see): confirmation before destructive
 * actions, user editing, password reset, the last admin. SLA policies, and 403 for everyone else on every
 * admin page: console-admin-sla.test.ts.
 */
import { adminConsoleOnOwnDatabase, csrfOf, formFields, hrefOf, textOf } from '../helpers/console-admin';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus } from '../helpers/system';

const adm = adminConsoleOnOwnDatabase('adm');
const { loginAs, page, post } = adm;

async function newUser(username: string, extra: Record<string, unknown> = {}) {
  return expectStatus<{ id: string; username: string }>(
    await adm.sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: await adm.api.as('admin'),
      payload: {
        username,
        password: 'first-password-1',
        displayName: '测试调解员',
        role: 'mediator',
        unitCode: 'wangjiaqiao-community',
        ...extra,
      },
    }),
    201,
  );
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenOf = async (username: string, password: string) =>
  adm.sys.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password } });

describe("the administrator's console", () => {
  it('revokes an API key only from its confirmation page; an old form without confirm=yes is refused and the key keeps working', async () => {
    const issued = expectStatus<{ id: string; key: string }>(
      await adm.sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: await adm.api.as('admin'),
        payload: { name: '12345 热线（撤销测试）' },
      }),
      201,
    );
    const keyWorks = async () =>
      (await adm.sys.app.inject({ url: '/api/v1/disputes', headers: bearer(issued.key) })).statusCode;
    expect(await keyWorks()).toBe(200);
    const cookie = await loginAs('admin');
    const adminPage = await page(cookie, '/console/admin');
    // The list offers a link to the confirmation, not a form that revokes at once.
    const confirmHref = hrefOf(
      adminPage.body,
      new RegExp(`href="(/console/admin/key-revoke/confirm\\?id=${issued.id})"`),
    );
    expect(confirmHref).not.toBe('');
    expect(adminPage.body).not.toContain('action="/console/admin/key-revoke"');

    const confirmPage = await page(cookie, confirmHref);
    expect(confirmPage.statusCode).toBe(200);
    const text = textOf(confirmPage);
    expect(text).toContain('撤销接口密钥');
    expect(text).toContain('12345 热线（撤销测试）');
    expect(text).toContain('撤销后，使用该密钥的平台将无法再调用接口，此操作不可撤回');
    expect(text).toContain('确认撤销');
    expect(confirmPage.body).toContain('<a href="/console/admin#key" class="button">取消</a>');
    const fields = formFields(confirmPage.body, '/console/admin/key-revoke');
    expect(fields).toMatchObject({ id: issued.id, confirm: 'yes' });

    // The old one-click form, replayed: refused in Chinese, and the key still works.
    const replayed = await post(cookie, '/console/admin/key-revoke', { _csrf: fields._csrf!, id: issued.id });
    expect(replayed.statusCode).toBe(400);
    expect(textOf(replayed)).toContain('此操作须先确认');
    expect(await keyWorks()).toBe(200);
    // Without the CSRF token: refused as today.
    expect((await post(cookie, '/console/admin/key-revoke', { id: issued.id, confirm: 'yes' })).statusCode).toBe(403);
    expect(await keyWorks()).toBe(200);

    const revoked = await post(cookie, '/console/admin/key-revoke', fields);
    expect(revoked.statusCode).toBe(303);
    expect(await keyWorks()).toBe(401);
    expect(textOf(await page(cookie, '/console/admin'))).toMatch(/12345 热线（撤销测试） .*已撤销/);
    const audit = adm.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.action === 'api-key revoked' && l.keyId === issued.id);
    expect(audit).toMatchObject({ admin: true, byName: '系统管理员' });
    console.log('revoke: replay 400, key 200; confirmed 303, key 401; audit:', audit.msg);
  });

  it('edits a user (role, unit, name, phone); the change holds at the next login and the old sessions end', async () => {
    const user = await newUser('edit-me@console');
    const theirs = await loginAs(user.username, 'first-password-1');
    const token = expectStatus(await tokenOf(user.username, 'first-password-1'), 200).access_token as string;
    const yufuciCase = await adm.api.create({ ...taoliLiftNoise(), title: `管理员改单位测试 ${Date.now()}` });
    expect(
      (await adm.sys.app.inject({ url: `/api/v1/disputes/${yufuciCase.id}`, headers: bearer(token) })).statusCode,
    ).toBe(404);

    const cookie = await loginAs('admin');
    const list = await page(cookie, '/console/admin');
    const userHref = hrefOf(list.body, /href="(\/console\/admin\/users\/[^"]+)"[^>]*>edit-me@console</);
    expect(userHref).toBe(`/console/admin/users/${user.id}`);
    const userPage = await page(cookie, userHref);
    expect(userPage.statusCode).toBe(200);
    // Every required field marked: the attribute, a visible ＊ and a word for screen readers.
    expect(userPage.body).toMatch(
      /<label for="e-name">姓名<span class="req" aria-hidden="true">＊<\/span><span class="sr-only">必填<\/span><\/label><input id="e-name" name="displayName" required/,
    );
    const csrf = csrfOf(userPage.body);
    const edit = {
      _csrf: csrf,
      displayName: '改名后的主任',
      role: 'supervisor',
      unitCode: 'yufuci-community',
      agencyCode: '',
      phone: '13800138000',
    };

    // The console's own checks, in Chinese, and nothing changes.
    const noUnit = await post(cookie, userHref, { ...edit, unitCode: '' });
    expect(noUnit.statusCode).toBe(400);
    expect(textOf(noUnit)).toContain('调解员、负责人和网格员须选择一个已有的单位。');
    const badRole = await post(cookie, userHref, { ...edit, role: 'emperor' });
    expect(textOf(badRole)).toContain('请选择一个有效的角色。');
    const badPhone = await post(cookie, userHref, { ...edit, phone: '12345' });
    expect(textOf(badPhone)).toContain('手机号须为 11 位大陆手机号');
    // The API checks the unit too.
    const apiRefusal = await adm.sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.id}`,
      headers: await adm.api.as('admin'),
      payload: { unitCode: 'no-such-unit' },
    });
    expect(apiRefusal.statusCode).toBe(400);

    const saved = await post(cookie, userHref, edit);
    expect(saved.statusCode).toBe(303);
    const after = await page(cookie, saved.headers.location as string);
    expect(textOf(after)).toContain('用户信息已保存');
    expect(after.body).toContain('value="改名后的主任"');
    expect(after.body).toContain('<option value="supervisor" selected>负责人</option>');

    // Their sessions ended: the console sends them to the login page, the API token is refused.
    const old = await page(theirs, '/console/inbox');
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toMatch(/^\/console\/login/);
    expect(
      (await adm.sys.app.inject({ url: `/api/v1/disputes/${yufuciCase.id}`, headers: bearer(token) })).statusCode,
    ).toBe(401);
    // At the next login: the new name and role, and the new unit's cases.
    const again = await loginAs(user.username, 'first-password-1');
    const header = await page(again, '/console/inbox');
    expect(header.body).toContain('<span>改名后的主任 · 负责人</span>');
    const newToken = expectStatus(await tokenOf(user.username, 'first-password-1'), 200).access_token as string;
    expect(
      (await adm.sys.app.inject({ url: `/api/v1/disputes/${yufuciCase.id}`, headers: bearer(newToken) })).statusCode,
    ).toBe(200);
    const listed = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/users', headers: await adm.api.as('admin') }),
      200,
    );
    expect(listed.items.find((u: { id: string }) => u.id === user.id)).toMatchObject({
      role: 'supervisor',
      unitCode: 'yufuci-community',
      phone: '13800138000',
    });
    console.log('edit: refusals 400 ×3, saved 303; old session → login, old token 401; new login sees the case 200');
  });

  it('resets a password: generated and shown once, the old one fails, the new one works, the old session ends; audited', async () => {
    const user = await newUser('reset-me@console');
    const theirs = await loginAs(user.username, 'first-password-1');
    const cookie = await loginAs('admin');
    const userPage = await page(cookie, `/console/admin/users/${user.id}`);
    const csrf = csrfOf(userPage.body);
    const url = `/console/admin/users/${user.id}/password`;

    const noAck = await post(cookie, url, { _csrf: csrf, mode: 'generate' });
    expect(noAck.statusCode).toBe(400);
    expect(textOf(noAck)).toContain('请勾选确认：重置密码会结束该用户现有的登录。');
    const mismatch = await post(cookie, url, {
      _csrf: csrf,
      mode: 'typed',
      password: 'new-password-1',
      password2: 'new-password-2',
      ack: 'yes',
    });
    expect(textOf(mismatch)).toContain('两次输入的新密码不一致。');
    const short = await post(cookie, url, {
      _csrf: csrf,
      mode: 'typed',
      password: 'short',
      password2: 'short',
      ack: 'yes',
    });
    expect(textOf(short)).toContain('新密码至少 10 个字符。');
    expect((await tokenOf(user.username, 'first-password-1')).statusCode).toBe(200);

    const reset = await post(cookie, url, { _csrf: csrf, mode: 'generate', ack: 'yes' });
    expect(reset.statusCode).toBe(200);
    expect(textOf(reset)).toContain('密码已重置，该用户现有的登录已全部结束。');
    const generated = /新密码只显示这一次，请以安全的方式交给本人： <code class="secret">([^<]+)<\/code>/.exec(
      reset.body,
    )?.[1];
    expect(generated).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await tokenOf(user.username, 'first-password-1')).statusCode).toBe(401);
    expect((await tokenOf(user.username, generated!)).statusCode).toBe(200);
    const old = await page(theirs, '/console/inbox');
    expect(old.statusCode).toBe(303);
    // Shown once: not on the page again.
    expect((await page(cookie, `/console/admin/users/${user.id}`)).body).not.toContain(generated);

    // Typed twice works too.
    const typed = await post(cookie, url, {
      _csrf: csrf,
      mode: 'typed',
      password: 'typed-password-9',
      password2: 'typed-password-9',
      ack: 'yes',
    });
    expect(typed.statusCode).toBe(200);
    expect((await tokenOf(user.username, 'typed-password-9')).statusCode).toBe(200);

    const audit = adm.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.action === 'user password reset' && l.userId === user.id);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ admin: true, byName: '系统管理员', username: user.username });
    expect(adm.logs.join('\n')).not.toContain(generated);
    expect(adm.logs.join('\n')).not.toContain('typed-password-9');
    console.log(
      'reset: 3 refusals; generated',
      generated!.length,
      'chars; old 401, new 200, old session → login; audit lines',
      audit.length,
    );
  });

  it('never lets an admin deactivate or demote themself, nor the last active admin (two admins removing each other at once)', async () => {
    const cookie = await loginAs('admin');
    const adminRow = expectStatus(
      await adm.sys.app.inject({ url: '/api/v1/admin/users', headers: await adm.api.as('admin') }),
      200,
    ).items.find((u: { username: string }) => u.username === 'admin');
    const list = await page(cookie, '/console/admin');
    expect(list.body).not.toContain(`/console/admin/user-active/confirm?id=${adminRow.id}`);
    // A forged confirmed form to deactivate oneself: refused in Chinese.
    const forged = await post(cookie, '/console/admin/user-active', {
      _csrf: csrfOf(list.body),
      id: adminRow.id,
      active: 'false',
      confirm: 'yes',
    });
    expect(forged.statusCode).toBe(409);
    expect(textOf(forged)).toContain('不能停用或降级自己的账号。');
    // Demoting oneself on one's own page: refused before the API is asked.
    const own = await page(cookie, `/console/admin/users/${adminRow.id}`);
    const demote = await post(cookie, `/console/admin/users/${adminRow.id}`, {
      _csrf: csrfOf(own.body),
      displayName: '系统管理员',
      role: 'mediator',
      unitCode: 'yufuci-community',
      agencyCode: '',
      phone: '',
    });
    expect(demote.statusCode).toBe(400);
    expect(textOf(demote)).toContain('不能停用或降级自己的账号。');

    // A second admin; then each deactivates the other at the same moment: one wins, the other is refused.
    const second = await newUser('second-admin@console', {
      role: 'admin',
      unitCode: undefined,
      displayName: '第二管理员',
    });
    const secondHeaders = bearer(expectStatus(await tokenOf(second.username, 'first-password-1'), 200).access_token);
    const [a, b] = await Promise.all([
      adm.sys.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${second.id}`,
        headers: await adm.api.as('admin'),
        payload: { active: false },
      }),
      adm.sys.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${adminRow.id}`,
        headers: secondHeaders,
        payload: { active: false },
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().detail).toContain('须至少保留一名在用的管理员');
    const admins = expectStatus(
      await adm.sys.app.inject({
        url: '/api/v1/admin/users',
        headers: a.statusCode === 200 ? await adm.api.as('admin') : secondHeaders,
      }),
      200,
    ).items.filter((u: { role: string; active: boolean }) => u.role === 'admin' && u.active);
    expect(admins).toHaveLength(1);
    console.log(
      'last admin: self refused 409/400; race',
      a.statusCode,
      b.statusCode,
      '; active admins left',
      admins.length,
    );
  });
});
