/** Evidence through the API, on real PostgreSQL and Temporal: type by content, limits, location, SHA-256 on record, visibility. */
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { jpegGpsEntries } from '../../attachments/strip-location';
import { EXE, LATITUDE, PDF, jpegWithGps, motoInstalled, multipart, pngWithExif, sha256, startMoto } from './helpers';

type Moto = Awaited<ReturnType<typeof startMoto>>;

describe.each(['pg', 's3'])('evidence stored in %s', (kind) => {
  let sys: TestSystem;
  let api: ReturnType<typeof apiOf>;
  let moto: Moto | undefined;
  let mediator: Record<string, string>;

  beforeAll(async () => {
    if (kind === 's3') {
      if (!motoInstalled()) throw new Error('moto is not installed: run scripts/install-tools.sh');
      moto = await startMoto();
    }
    sys = await startSystem({
      attachmentStore: moto?.store,
      attachmentLimits: { maxBytes: 64 * 1024, maxPerCase: 3 },
    });
    api = apiOf(sys);
    mediator = await api.as('mediator@yufuci-community');
  }, 60_000);
  afterAll(async () => {
    await sys?.close();
    await moto?.stop();
  });

  const upload = (
    id: string,
    headers: Record<string, string>,
    fields: Record<string, string>,
    file?: Parameters<typeof multipart>[1],
  ) => {
    const body = multipart(fields, file);
    return sys.app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${id}/attachments`,
      headers: { ...headers, ...body.headers },
      payload: body.payload,
    });
  };
  const download = (id: string, attId: string, headers: Record<string, string>) =>
    sys.app.inject({ url: `/api/v1/disputes/${id}/attachments/${attId}`, headers });

  it('types a file by its content: a PDF named .jpg is a PDF, an .exe named .jpg is refused (415)', async () => {
    const c = await api.create(taoliLiftNoise());
    const pdf = expectStatus(
      await upload(c.id, mediator, { description: '收据' }, { name: '收据.jpg', data: PDF, type: 'image/jpeg' }),
      201,
    );
    expect(pdf).toMatchObject({
      mediaType: 'application/pdf',
      name: '收据.jpg.pdf',
      size: PDF.length,
      sha256: sha256(PDF),
    });
    const res = await download(c.id, pdf.id, mediator);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="__.jpg.pdf"; filename*=UTF-8''${encodeURIComponent('收据.jpg.pdf')}`,
    );
    expect(sha256(res.rawPayload)).toBe(pdf.sha256);
    const exe = await upload(c.id, mediator, {}, { name: 'photo.jpg', data: EXE, type: 'image/jpeg' });
    expect(exe.statusCode).toBe(415);
    expect(exe.headers['content-type']).toMatch(/problem\+json/);
    // The SHA-256 in the case's history is the downloaded bytes' hash; the refused file left nothing.
    const events = (await api.events(c.id, mediator)).filter((e) => e.type === 'evidence_added');
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        attachmentId: pdf.id,
        fileName: '收据.jpg.pdf',
        sha256: sha256(res.rawPayload),
        source: 'staff',
      }),
    ]);
    const list = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments`, headers: mediator }),
      200,
    );
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([pdf.id]);
  });

  it('refuses a file over the size limit (413) and a case at its count limit (409), storing nothing', async () => {
    const c = await api.create(taoliLiftNoise());
    const big = Buffer.concat([PDF, Buffer.alloc(64 * 1024, 1)]);
    expect((await upload(c.id, mediator, {}, { name: 'big.pdf', data: big })).statusCode).toBe(413);
    for (let i = 0; i < 3; i++) expectStatus(await upload(c.id, mediator, {}, { name: `${i}.pdf`, data: PDF }), 201);
    const fourth = await upload(c.id, mediator, {}, { name: '3.pdf', data: PDF });
    expect(fourth.statusCode).toBe(409);
    const list = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments`, headers: mediator }),
      200,
    );
    expect(list.items).toHaveLength(3);
    // Side by side, uploads all pass the first count: the limit still holds once their rows are in.
    const other = await api.create(taoliLiftNoise());
    const parallel = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(other.id, mediator, {}, { name: `p${i}.pdf`, data: PDF })),
    );
    expect(parallel.filter((r) => r.statusCode === 201).length).toBeLessThanOrEqual(3);
    const kept = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${other.id}/attachments`, headers: mediator }),
      200,
    );
    expect(kept.items.length).toBeLessThanOrEqual(3);
  });

  it('removes the GPS position from a JPEG and a PNG, unless the uploader keeps it', async () => {
    const c = await api.create(taoliLiftNoise());
    const jpeg = jpegWithGps();
    expect(jpegGpsEntries(jpeg)).toBe(2);
    const stripped = expectStatus(await upload(c.id, mediator, {}, { name: '漏水.jpg', data: jpeg }), 201);
    const got = (await download(c.id, stripped.id, mediator)).rawPayload;
    expect(jpegGpsEntries(got)).toBe(0);
    expect(got.includes(LATITUDE)).toBe(false);
    expect(got.subarray(-20).toString('latin1')).toBe(jpeg.subarray(-20).toString('latin1')); // the scan untouched
    expect(stripped.sha256).toBe(sha256(got));
    const kept = expectStatus(
      await upload(c.id, mediator, { keepLocation: 'true' }, { name: '漏水.jpg', data: jpeg }),
      201,
    );
    expect(kept.keptLocation).toBe(true);
    expect((await download(c.id, kept.id, mediator)).rawPayload.equals(jpeg)).toBe(true);
    const png = expectStatus(await upload(c.id, mediator, {}, { name: 'a.png', data: pngWithExif() }), 201);
    const pngBack = (await download(c.id, png.id, mediator)).rawPayload;
    expect(pngBack.includes(Buffer.from('eXIf'))).toBe(false);
    expect(pngBack.includes(Buffer.from('IDAT'))).toBe(true);
  });

  it('shows evidence only to who sees the case: another unit and another integrator get 404', async () => {
    const c = await api.create(taoliLiftNoise());
    const a = expectStatus(await upload(c.id, api.integrator, {}, { name: 'p.pdf', data: PDF }), 201);
    expect(a.source).toBe('integrator');
    const other = await api.as('mediator@wangjiaqiao-community');
    expect((await download(c.id, a.id, other)).statusCode).toBe(404);
    expect((await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments`, headers: other })).statusCode).toBe(
      404,
    );
    expect((await upload(c.id, other, {}, { name: 'x.pdf', data: PDF })).statusCode).toBe(404);
    const admin = await api.as('admin');
    const stranger = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: admin,
        payload: { name: `其他平台-${kind}` },
      }),
      201,
    );
    const strangerH = { authorization: `Bearer ${stranger.key}` };
    expect((await download(c.id, a.id, strangerH)).statusCode).toBe(404);
    // Nor is the action reachable as a signal, where a caller could record a file never given.
    const forged = await api.tryAct(
      c.id,
      'attach-evidence',
      { attachmentId: a.id, name: 'x', mediaType: 'x', size: 1, source: 'staff' },
      mediator,
    );
    expect(forged.statusCode).toBe(404);
  });

  it('keeps a link without fetching it, and refuses evidence on a closed case before storing (409)', async () => {
    const c = await api.create(taoliLiftNoise());
    const link = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: `/api/v1/disputes/${c.id}/attachments/links`,
        headers: mediator,
        payload: { url: 'http://127.0.0.1:1/never-fetched', description: '监控录像' },
      }),
      201,
    );
    expect(link).toMatchObject({ kind: 'link', url: 'http://127.0.0.1:1/never-fetched' });
    await api.act(c.id, 'withdraw', { reason: '撤回' }, mediator);
    const res = await upload(c.id, mediator, {}, { name: 'late.pdf', data: PDF });
    expect(res.statusCode).toBe(409);
    const list = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments`, headers: mediator }),
      200,
    );
    expect(list.items).toHaveLength(1);
  });
});

describe('the evidence list in the record and the case file', () => {
  let sys: TestSystem;
  let api: ReturnType<typeof apiOf>;
  beforeAll(async () => {
    sys = await startSystem();
    api = apiOf(sys);
  }, 60_000);
  afterAll(() => sys?.close());

  it('lists each file with its type, size, short SHA-256, who added it and when', async () => {
    const mediator = await api.as('mediator@yufuci-community');
    const c = await api.create(taoliLiftNoise());
    const body = multipart({}, { name: '电梯噪音.jpg', data: jpegWithGps() });
    const a = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: `/api/v1/disputes/${c.id}/attachments`,
        headers: { ...mediator, ...body.headers },
        payload: body.payload,
      }),
      201,
    );
    await api.act(c.id, 'withdraw', { reason: '撤回' }, mediator);
    for (const kind of ['case-file', 'record']) {
      const html = (await sys.app.inject({ url: `/api/v1/disputes/${c.id}/documents/${kind}`, headers: mediator }))
        .body;
      expect(html).toContain('电梯噪音.jpg');
      expect(html).toContain(a.sha256.slice(0, 16));
      expect(html).toContain('image/jpeg');
    }
  });
});
