/**
 * Retention (ops/retention.ts, docs/retention.md) against the run's PostgreSQL and Temporal dev server:
 * purges of what is past its period, and the reduction of a closed case file past its archival period,
 * after which the people are gone and the statistics and the Safety Index are what they were.
 */
import { randomUUID } from 'node:crypto';
import { computeSafetyIndex } from '../../activities/safety-index';
import { DEFAULT_RETENTION, parseRetentionConfig } from '../../config/retention';
import { chinaDate } from '../../domain/safety-index';
import { REDUCED_DOCUMENT_MARK, REDUCED_TEXT } from '../../ops/reduce-personal-data';
import { purgeExpired, reduceCase, runRetention } from '../../ops/retention';
import { AttachmentMissingError } from '../../storage/attachment-store';
import { verificationKey } from '../../db/verification-key';
import { verificationCode } from '../../security/verification-code';
import { PDF, multipart } from '../attachments/helpers';
import { apiOf, type Headers } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { YEAR_MS, closedCase, moveCaseBack, uniqueIdNumber, uniquePhone } from './retention-fixtures';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;
let admin: Headers;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
  admin = await api.as('admin');
});
afterAll(async () => sys?.close());

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe('configuration', () => {
  it('reads the periods from the environment and refuses what is not a period, in Chinese and English', () => {
    const problems: string[] = [];
    expect(parseRetentionConfig({}, problems)).toEqual(DEFAULT_RETENTION);
    expect(parseRetentionConfig({ RETENTION_NOTICE_DAYS: '30', CASE_ARCHIVE_YEARS: '0' }, problems)).toMatchObject({
      noticeDays: 30,
      caseArchiveYears: 0,
    });
    expect(problems).toEqual([]);
    parseRetentionConfig({ CASE_ARCHIVE_YEARS: '十年', RETENTION_SESSION_DAYS: '0' }, problems);
    expect(problems).toEqual([
      'RETENTION_SESSION_DAYS 须为 1 到 36500 的整数 / RETENTION_SESSION_DAYS must be an integer from 1 to 36500 (got "0")',
      'CASE_ARCHIVE_YEARS 须为 0 到 100 的整数 / CASE_ARCHIVE_YEARS must be an integer from 0 to 100 (got "十年")',
    ]);
  });
});

describe('purges', () => {
  it('deletes notices, codes and webhook logs past their period and keeps the recent, the queued and the signing codes', async () => {
    const em = sys.orm.em.fork();
    const tag = randomUUID().slice(0, 8);
    const notice = (id: string, days: number, status: string) =>
      em.execute(
        `insert into notice_deliveries (id, key, kind, channel, recipient, recipient_masked, text, urgent, status, attempts, created_at, updated_at)
         values (?, ?, 'reminder', 'sms', '13900000000', '139****0000', '通知', false, ?, 0, ?, ?)`,
        [`${tag}-${id}`, `${tag}-${id}`, status, ago(days), ago(days)],
      );
    await notice('old', 200, 'sent');
    await notice('recent', 10, 'sent');
    await notice('old-queued', 200, 'queued');
    const code = (id: string, days: number, purpose: string, used: boolean) =>
      em.execute(
        `insert into party_codes (code_ref, dispute_id, party_index, purpose, code_hash, phone_masked, expires_at, attempts, used_at, created_at)
         values (?, ?, 0, ?, 'x', '139****0000', ?, 0, ?, ?)`,
        [`${tag}-${id}`, `case-${tag}`, purpose, ago(days), used ? ago(days) : null, ago(days)],
      );
    await code('old-access', 40, 'access', true);
    await code('old-sign-unused', 40, 'sign', false);
    await code('old-sign-used', 40, 'sign', true);
    await code('recent', 5, 'access', false);
    const hook = (id: string, days: number, status: string) =>
      em.execute(
        `insert into webhook_deliveries (id, subscription_id, dispute_id, event_seq, event_type, payload, status, attempts, created_at, delivered_at)
         values (?, ?, ?, 1, 'received', '{}', ?, 1, ?, ?)`,
        [
          `${tag}-${id}`,
          `sub-${tag}`,
          `case-${tag}-${id}`,
          status,
          ago(days),
          status === 'delivered' ? ago(days) : null,
        ],
      );
    await hook('old-delivered', 100, 'delivered');
    await hook('old-failed', 100, 'failed');
    await hook('old-pending', 100, 'pending');
    await hook('recent', 3, 'delivered');
    await em.execute(
      `insert into notifications (key, dispute_id, kind, recipients, message, channel, status, created_at) values
       (?, ?, 'summons', '["陈某"]', '通知', 'log', 'sent', ?), (?, ?, 'summons', '["陈某"]', '通知', 'log', 'sent', ?)`,
      [`${tag}-old`, `case-${tag}`, ago(200), `${tag}-recent`, `case-${tag}`, ago(1)],
    );

    const purged = await purgeExpired(em, DEFAULT_RETENTION);
    expect(purged.noticeDeliveries).toBeGreaterThanOrEqual(1);
    const left = async (table: string, column: string) =>
      (
        await em.execute<Array<{ k: string }>>(
          `select ${column} as k from ${table} where ${column} like ? order by 1`,
          [`${tag}-%`],
        )
      )
        .map((r) => r.k.slice(tag.length + 1))
        .sort();
    expect(await left('notice_deliveries', 'id')).toEqual(['old-queued', 'recent']);
    expect(await left('party_codes', 'code_ref')).toEqual(['old-sign-used', 'recent']);
    expect(await left('webhook_deliveries', 'id')).toEqual(['old-pending', 'recent']);
    expect(await left('notifications', 'key')).toEqual(['recent']);
  });
});

describe('closed case files past their archival period', () => {
  const upload = (id: string) => {
    const body = multipart(
      { description: '欧阳晓梅的收据' },
      { name: '欧阳晓梅收据.pdf', data: PDF, type: 'application/pdf' },
    );
    return sys.app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${id}/attachments`,
      headers: { ...mediator, ...body.headers },
      payload: body.payload,
    });
  };

  it('are reduced: names masked, numbers and free text gone, files deleted; statistics and the Safety Index unchanged', async () => {
    const phone = uniquePhone();
    const idNumber = uniqueIdNumber();
    const reporterPhone = uniquePhone();
    const base = taoliLiftNoise();
    const body = {
      ...base,
      description: `欧阳晓梅（电话${phone}）反映楼下货梯噪音。`,
      parties: [
        { ...base.parties[0], name: '欧阳晓梅', phone, idNumber, address: '常德市武陵区渔父祠社区桃李小区3栋501室' },
        base.parties[1],
      ],
      reporter: { name: '程大伟', relation: '邻居', phone: reporterPhone },
    };
    const created = await api.create(body);
    const id: string = created.id;
    await api.act(id, 'accept', {}, mediator);
    await api.act(id, 'add-note', { text: `已电话联系欧阳晓梅 ${phone}` }, mediator);
    const file = expectStatus<{ id: string; sha256: string }>(await upload(id), 201);
    await api.consentAll(id, mediator);
    await api.act(id, 'resolve', agreedTerms(), mediator);
    await api.act(id, 'sign', { signer: 'party:0', method: 'signature' }, mediator);
    await api.act(id, 'sign', { signer: 'party:1', method: 'seal', witness: '网格员李某' }, mediator);
    await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
    await api.act(id, 'seal', {}, mediator);
    const closed = await api.act(
      id,
      'record-follow-up',
      { method: 'home', met: ['欧阳晓梅'], performed: true, satisfaction: 4, note: '欧阳晓梅表示满意' },
      mediator,
    );
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'resolved' });
    // The case file is frozen on its first request.
    const frozen = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: mediator });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.body).toContain('欧阳晓梅');
    const fileSha = frozen.headers['x-case-file-sha256'] as string;
    const em = sys.orm.em.fork();
    const [stored] = await em.execute<Array<{ storage_key: string }>>(
      `select storage_key from attachments where id = ?`,
      [file.id],
    );
    const storageKey = stored!.storage_key;

    // Closed 11 years ago; another case closed 9 years ago is not due.
    await moveCaseBack(em, id, 11 * YEAR_MS);
    const recent = await closedCase(sys, { ...body, reporter: undefined }, mediator);
    await moveCaseBack(em, recent.id, 9 * YEAR_MS);

    const [moved] = await em.execute<Array<{ state: { receivedAt: string; closedAt: string } }>>(
      `select state from disputes where id = ?`,
      [id],
    );
    const state = moved!.state;
    const from = chinaDate(new Date(state.receivedAt));
    const to = chinaDate(new Date(state.closedAt));
    const statistics = async () =>
      expectStatus(
        await sys.app.inject({
          url: `/api/v1/statistics/mediation?unit=yufuci-community&from=${from}&to=${to}`,
          headers: admin,
        }),
        200,
      );
    const safetyIndex = async () => {
      const { periodStart } = await computeSafetyIndex(sys.orm.em.fork(), { periodKind: 'month', date: to });
      const [row] = await sys.orm.em
        .fork()
        .execute<Array<{ metrics: Record<string, number | null>; score: number | null }>>(
          `select metrics, score from safety_index_snapshots where unit_code = 'yufuci-community' and period_kind = 'month' and period_start = ?`,
          [periodStart],
        );
      return row;
    };
    const statsBefore = await statistics();
    const indexBefore = await safetyIndex();
    const total = statsBefore.rows[statsBefore.rows.length - 1];
    // 合计: registered 1, accepted 1, succeeded 1, ¥12,000 in the agreement, performed 1.
    expect([total[0], total[1], total[2], total[9], total[16], total[19]]).toEqual(['合计', 1, 1, 1, 12000, 1]);
    expect(indexBefore?.metrics).toMatchObject({ received: 1, closed: 1 });
    expect(indexBefore?.score).not.toBeNull();

    const done = await runRetention(em, sys.app.attachmentStore, { ...DEFAULT_RETENTION, caseArchiveYears: 10 });
    expect(done.reduced).toContain(id);
    expect(done.reduced).not.toContain(recent.id);

    // The read model: the people masked, their numbers and the free text gone, the figures kept.
    const [after] = await em.execute<
      Array<{ state: any; title: string; search_text: string; reduced_at: Date | null }>
    >(`select state, title, search_text, reduced_at from disputes where id = ?`, [id]);
    expect(after!.reduced_at).not.toBeNull();
    const all = JSON.stringify(after!.state);
    for (const gone of ['欧阳晓梅', phone, idNumber, reporterPhone, '程大伟', '501室', '货梯噪音'])
      expect(all).not.toContain(gone);
    expect(after!.state.parties[0]).toEqual(expect.objectContaining({ name: '欧**', role: 'applicant' }));
    expect(after!.state.parties[0].phone).toBeUndefined();
    expect(after!.state.reporter).toEqual({ name: '程**', relation: '邻居' });
    expect(after!.state.description).toBe(REDUCED_TEXT);
    expect(after!.title).toBe(REDUCED_TEXT);
    expect(after!.search_text).toBe(created.caseNumber);
    expect(after!.state).toMatchObject({
      stage: 'closed',
      outcome: 'resolved',
      category: 'noise',
      followUp: { satisfaction: 4 },
      agreement: { sha256: closed.agreement.sha256, number: closed.agreement.number },
    });
    expect(after!.state.agreement.terms[1].amountFen).toBe(1_200_000);

    // What the staff see through the API.
    const seen = await api.get(id, mediator);
    expect(seen.parties[0].name).toBe('欧**');
    expect(seen.parties[0].phone).toBeUndefined();
    expect(JSON.stringify(await api.events(id, mediator))).not.toContain('欧阳晓梅');

    // The history, the sealed agreement and the frozen case file.
    const events = await em.execute<Array<{ actor: unknown; payload: unknown }>>(
      `select actor, payload from dispute_events where dispute_id = ?`,
      [id],
    );
    expect(events.length).toBeGreaterThan(8);
    for (const gone of ['欧阳晓梅', phone, idNumber, reporterPhone]) expect(JSON.stringify(events)).not.toContain(gone);
    const [agreement] = await em.execute<Array<{ html: string; sha256: string; signatures: unknown }>>(
      `select html, sha256, signatures from agreements where dispute_id = ?`,
      [id],
    );
    expect(agreement!.sha256).toBe(closed.agreement.sha256);
    expect(agreement!.html).toContain(closed.agreement.sha256);
    expect(agreement!.html).not.toContain('欧阳晓梅');
    expect(JSON.stringify(agreement!.signatures)).not.toContain('欧阳晓梅');
    const caseFile = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: mediator });
    expect(caseFile.statusCode).toBe(200);
    expect(caseFile.body).not.toContain('欧阳晓梅');
    expect(caseFile.body).toContain(fileSha);
    expect(caseFile.body).toContain(REDUCED_DOCUMENT_MARK);
    expect(caseFile.body).toContain('保管期限（10年）已满');

    // The seal can still be checked by its hash (a court holding a copy), not by the document.
    const number = closed.agreement.number as string;
    const code = verificationCode(await verificationKey(em), number);
    const verified = expectStatus(
      await sys.app.inject({
        url: `/api/v1/agreements/${encodeURIComponent(number)}/verify?code=${encodeURIComponent(code)}&sha256=${closed.agreement.sha256}`,
      }),
      200,
    );
    expect(verified).toMatchObject({ valid: true, checked: 'hash', reduced: true });
    expect(verified.signers[0].name).toBe('欧**');

    // The evidence file is gone from the store; its record keeps the size and hash.
    await expect(sys.app.attachmentStore.get(storageKey)).rejects.toBeInstanceOf(AttachmentMissingError);
    const [att] = await em.execute<Array<Record<string, unknown>>>(
      `select name, description, storage_key, sha256, deleted_at from attachments where id = ?`,
      [file.id],
    );
    expect(att).toMatchObject({ name: '欧**收据.pdf', description: null, storage_key: null, sha256: file.sha256 });
    expect(att!.deleted_at).not.toBeNull();

    // What was counted is counted the same.
    expect(await statistics()).toEqual(statsBefore);
    expect(await safetyIndex()).toEqual(indexBefore);

    // On the record for good, once: a second run finds nothing to do.
    const log = () =>
      em.execute<Array<{ details: Record<string, unknown> }>>(
        `select details from data_protection_log where kind = 'reduction' and dispute_id = ?`,
        [id],
      );
    expect(await log()).toHaveLength(1);
    expect((await log())[0]!.details).toMatchObject({ archiveYears: 10, agreements: 1, caseFiles: 1, attachments: 1 });
    expect(await reduceCase(em, id, { archiveYears: 10 })).toBe(false);
    expect(await log()).toHaveLength(1);

    // The case closed 9 years ago is whole.
    const [whole] = await em.execute<Array<{ state: unknown; reduced_at: Date | null }>>(
      `select state, reduced_at from disputes where id = ?`,
      [recent.id],
    );
    expect(whole!.reduced_at).toBeNull();
    expect(JSON.stringify(whole!.state)).toContain('欧阳晓梅');
  });

  it('the sealed agreement and the frozen case file still refuse any change outside a reduction', async () => {
    const em = sys.orm.em.fork();
    const [row] = await em.execute<Array<{ dispute_id: string }>>(`select dispute_id from case_files limit 1`);
    const [agr] = await em.execute<Array<{ number: string }>>(`select number from agreements limit 1`);
    expect(row && agr).toBeTruthy();
    await expect(
      em.execute(`update case_files set html = 'x' where dispute_id = ?`, [row!.dispute_id]),
    ).rejects.toThrow(/frozen/);
    await expect(em.execute(`delete from agreements where number = ?`, [agr!.number])).rejects.toThrow(/sealed/);
    // Even in a reduction, the seal (SHA-256) cannot change.
    await expect(
      em.transactional(async (tem) => {
        await tem.execute(`select set_config('fengqiao.retention_reduction', 'on', true)`);
        await tem.execute(`update agreements set sha256 = repeat('0', 64) where number = ?`, [agr!.number]);
      }),
    ).rejects.toThrow(/sealed/);
  });
});
