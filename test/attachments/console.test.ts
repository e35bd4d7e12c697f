/**
 * Evidence on the console's case page (issue 22, item 1), as a browser without JavaScript uses it:
 * the list (name, type, size, short SHA-256, who and when in Beijing time), the upload form
 * (multipart, the CSRF token first), the link form, downloads through the console checked against
 * the session's view of the case, and no generic `attach-evidence` action button.
 */
import { Readable } from 'node:stream';
import { jpegGpsEntries } from '../../attachments/strip-location';
import { beijingDateTime } from '../../domain/beijing-time';
import { apiOf } from '../helpers/api';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';
import { LATITUDE, jpegWithGps, multipart, sha256 } from './helpers';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
}, 60_000);
afterAll(() => sys?.close());

async function login(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res).find((c) => c.startsWith('fq_session='))!;
}

const page = async (cookie: string, id: string, query = '') => {
  const res = await sys.app.inject({ url: `/console/cases/${id}${query}`, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** The evidence block of a case page (from its heading to the documents). */
const evidenceOf = (html: string) =>
  html.slice(html.indexOf('id="h-evidence"'), html.indexOf('</table>', html.indexOf('id="h-evidence"')) + 8);

/** A multipart body of `parts` in the order given (a file part is `{ file }`). */
function body(parts: Array<[string, string] | { file: { name: string; data: Buffer } }>) {
  const boundary = '----fqconsole';
  const pieces: Buffer[] = [];
  for (const p of parts) {
    if (Array.isArray(p))
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p[0]}"\r\n\r\n${p[1]}\r\n`));
    else
      pieces.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${p.file.name}"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        p.file.data,
        Buffer.from('\r\n'),
      );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Readable.from([Buffer.concat(pieces)]),
  };
}

const post = (cookie: string, id: string, b: ReturnType<typeof body>) =>
  sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/evidence`,
    headers: { cookie, ...b.headers },
    payload: b.payload,
  });

it('lists, uploads (GPS removed unless kept), records links and downloads evidence on the case page', async () => {
  const cookie = await login('mediator@yufuci-community');
  const c = await api.create(taoliLiftNoise());
  const html = await page(cookie, c.id);
  expect(html).toContain('证据材料');
  expect(html).toContain('暂无证据材料');
  expect(html).toContain('enctype="multipart/form-data"');
  expect(html).toContain('保留位置信息');
  // No generic action button posts `attach-evidence` (it has no signals route).
  expect(html).not.toContain('/actions/attach-evidence');
  const csrf = formCsrfOf(html);

  const jpeg = jpegWithGps();
  const res = await post(
    cookie,
    c.id,
    body([['_csrf', csrf], ['description', '电梯井照片'], { file: { name: '电梯井.jpg', data: jpeg } }]),
  );
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe(`/console/cases/${c.id}?evidence=added#h-evidence`);
  const [a] = (
    (
      await sys.app.inject({
        url: `/api/v1/disputes/${c.id}/attachments`,
        headers: await api.as('mediator@yufuci-community'),
      })
    ).json() as {
      items: Array<{ id: string; sha256: string; createdAt: string; keptLocation: boolean }>;
    }
  ).items;
  expect(a!.keptLocation).toBe(false);

  const after = await page(cookie, c.id, '?evidence=added');
  const block = evidenceOf(after);
  expect(after).toContain('证据材料已添加'); // the notice, and the timeline's label for evidence_added
  expect(block).toContain('电梯井.jpg');
  expect(block).toContain('image/jpeg');
  expect(block).toContain(a!.sha256.slice(0, 16));
  expect(block).toContain('电梯井照片');
  expect(block).toContain(beijingDateTime(a!.createdAt));
  expect(after.match(/<time[^>]*>[^<]*<\/time> <strong>证据材料已添加<\/strong>/)).not.toBeNull();

  const href = `/console/cases/${c.id}/evidence/${a!.id}`;
  expect(block).toContain(`href="${href}"`);
  const file = await sys.app.inject({ url: href, headers: { cookie } });
  expect(file.statusCode).toBe(200);
  expect(file.headers['content-type']).toBe('image/jpeg');
  expect(file.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  expect(file.headers['content-disposition']).toMatch(/^attachment;/);
  expect(sha256(file.rawPayload)).toBe(a!.sha256);
  expect(jpegGpsEntries(file.rawPayload)).toBe(0);
  expect(file.rawPayload.includes(LATITUDE)).toBe(false);

  // Kept on request: the checkbox.
  const kept = await post(
    cookie,
    c.id,
    body([['_csrf', csrf], ['keepLocation', 'true'], { file: { name: '位置.jpg', data: jpeg } }]),
  );
  expect(kept.headers.location).toContain('evidence=added');
  expect(evidenceOf(await page(cookie, c.id))).toContain('保留了位置信息');

  // A link: recorded, never fetched.
  const link = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${c.id}/evidence/link`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, url: 'http://127.0.0.1:1/监控', description: '物业监控' }).toString(),
  });
  expect(link.statusCode).toBe(303);
  expect(evidenceOf(await page(cookie, c.id))).toContain('127.0.0.1:1/%E7%9B%91%E6%8E%A7');

  // Refusals come back on the page, in Chinese: a file that is not evidence, a HEIC without "keep".
  const exe = await post(
    cookie,
    c.id,
    body([['_csrf', csrf], { file: { name: 'a.jpg', data: Buffer.from('MZ\x90\x00 not a photo') } }]),
  );
  expect(exe.headers.location).toBe(`/console/cases/${c.id}?evidenceFailed=type#h-evidence`);
  expect(await page(cookie, c.id, '?evidenceFailed=type')).toContain('证据材料未添加：只接受照片、PDF 和音频');
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(80, 1)]);
  const refusedHeic = await post(cookie, c.id, body([['_csrf', csrf], { file: { name: 'IMG_1.HEIC', data: heic } }]));
  expect(refusedHeic.headers.location).toContain('evidenceFailed=heic');
});

it('refuses an upload without the CSRF token first, and hides another unit’s case (404)', async () => {
  const cookie = await login('mediator@yufuci-community');
  const c = await api.create(taoliLiftNoise());
  const csrf = formCsrfOf(await page(cookie, c.id));
  const jpeg = jpegWithGps();
  const count = async () =>
    (
      (
        await sys.app.inject({
          url: `/api/v1/disputes/${c.id}/attachments`,
          headers: await api.as('mediator@yufuci-community'),
        })
      ).json() as { items: unknown[] }
    ).items.length;
  expect((await post(cookie, c.id, body([{ file: { name: 'x.jpg', data: jpeg } }]))).statusCode).toBe(403);
  expect((await post(cookie, c.id, body([{ file: { name: 'x.jpg', data: jpeg } }, ['_csrf', csrf]]))).statusCode).toBe(
    403,
  );
  expect(
    (await post(cookie, c.id, body([['_csrf', 'forged'], { file: { name: 'x.jpg', data: jpeg } }]))).statusCode,
  ).toBe(403);
  const bare = multipart({}, { name: 'x.jpg', data: jpeg });
  const noToken = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${c.id}/evidence`,
    headers: { cookie, ...bare.headers },
    payload: bare.payload,
  });
  expect(noToken.statusCode).toBe(403);
  expect(await count()).toBe(0);
  // The token as a header works too (a script's upload).
  const viaHeader = multipart({}, { name: 'h.jpg', data: jpeg });
  const ok = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${c.id}/evidence`,
    headers: { cookie, 'x-csrf-token': csrf, ...viaHeader.headers },
    payload: viaHeader.payload,
  });
  expect(ok.statusCode).toBe(303);
  expect(await count()).toBe(1);
  const [a] = (
    (
      await sys.app.inject({
        url: `/api/v1/disputes/${c.id}/attachments`,
        headers: await api.as('mediator@yufuci-community'),
      })
    ).json() as {
      items: Array<{ id: string }>;
    }
  ).items;

  const other = await login('mediator@wangjiaqiao-community');
  const otherCsrf = formCsrfOf((await sys.app.inject({ url: '/console/inbox', headers: { cookie: other } })).body);
  expect(
    (await sys.app.inject({ url: `/console/cases/${c.id}/evidence/${a!.id}`, headers: { cookie: other } })).statusCode,
  ).toBe(404);
  expect(
    (await post(other, c.id, body([['_csrf', otherCsrf], { file: { name: 'y.jpg', data: jpeg } }]))).statusCode,
  ).toBe(404);
  expect(await count()).toBe(1);
  // Signed out: to the login page, nothing served.
  expect((await sys.app.inject({ url: `/console/cases/${c.id}/evidence/${a!.id}` })).statusCode).toBe(303);
});
