/**
 * A person's data for an access request (个人信息保护法 Art. 45; ops/personal-data-export.ts): the admin
 * route GET /api/v1/admin/personal-data against the run's PostgreSQL and Temporal dev server.
 */
import { randomUUID } from 'node:crypto';
import { apiOf, type Headers } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { PERSONAL_DATA_EXPORTS_PER_MINUTE } from '../../api/routes/admin-personal-data';
import { uniqueIdNumber, uniquePhone } from './retention-fixtures';

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

const exportFor = (query: string, headers: Headers) =>
  sys.app.inject({
    url: `/api/v1/admin/personal-data?${query}`,
    headers,
    remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.1`,
  });

describe('GET /api/v1/admin/personal-data', () => {
  it('finds a person as a party of one case and the reporter of another, with their own data only, and logs it', async () => {
    const phone = uniquePhone();
    const idNumber = uniqueIdNumber();
    const otherPhone = uniquePhone();
    const base = taoliLiftNoise();
    // Case 1: she is the applicant.
    const asParty = await api.create({
      ...base,
      parties: [
        { ...base.parties[0], name: '司马静怡', phone: phone.replace(/^(\d{3})(\d{4})/, '$1 $2 '), idNumber },
        { name: '诸葛明远', role: 'respondent', kind: 'person', phone: otherPhone, address: '常德市武陵区某路8号' },
      ],
    });
    // Case 2: she reports a dispute between two others (反映人), with +86 before her number.
    const asReporter = await api.create({
      ...base,
      category: 'neighbour',
      parties: [
        { name: '上官文博', role: 'applicant', kind: 'person', phone: uniquePhone() },
        { name: '慕容秀兰', role: 'respondent', kind: 'person', idNumber: uniqueIdNumber() },
      ],
      reporter: { name: '司马静怡', relation: '邻居', phone: `+86${phone}` },
    });
    // A third case of other people only.
    const unrelated = await api.create({
      ...base,
      parties: [{ ...base.parties[0], name: '欧阳晓梅', phone: otherPhone }, base.parties[1]],
    });
    // Her consent to be contacted, with an e-mail, and two notices: hers and someone else's.
    await api.act(asParty.id, 'accept', {}, mediator);
    const em = sys.orm.em.fork();
    await em.execute(
      `insert into contact_preferences (id, dispute_id, party_index, channels, email, consent, consent_at, consent_source, updated_at)
       values (?, ?, 0, '["sms","email"]', 'jingyi@example.cn', true, now(), 'staff:test', now())`,
      [`${asParty.id}:0`, asParty.id],
    );
    const tag = randomUUID().slice(0, 8);
    for (const [n, to] of [
      [1, phone],
      [2, otherPhone],
      [3, 'jingyi@example.cn'],
    ] as const)
      await em.execute(
        `insert into notice_deliveries (id, key, dispute_id, kind, channel, recipient, recipient_masked, text, urgent, status, attempts, created_at, updated_at)
         values (?, ?, ?, 'summons', ?, ?, 'x', ?, false, 'sent', 1, now(), now())`,
        [
          `${tag}-${n}`,
          `${tag}-${n}`,
          asParty.id,
          n === 3 ? 'email' : 'sms',
          to,
          '司马静怡、诸葛明远：请于12月10日到社区调委会，详情 https://tiaojie.example.cn/p/Zk3vQ9sLmN2xT8wRq4uY',
        ],
      );

    const res = await exportFor(`phone=${phone}`, admin);
    const body = expectStatus(res, 200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="personal-data-/);
    const cases = body.cases as Array<Record<string, any>>;
    expect(cases.map((c) => [c.disputeId, c.role]).sort()).toEqual(
      [
        [asParty.id, 'applicant'],
        [asReporter.id, 'reporter'],
      ].sort(),
    );
    const party = cases.find((c) => c.role === 'applicant')!;
    expect(party).toMatchObject({
      caseNumber: asParty.caseNumber,
      partyIndex: 0,
      matchedBy: ['phone'],
      category: 'noise',
      stage: 'in_mediation',
      personalData: { name: '司马静怡', idNumber },
      contactPreference: { email: 'jingyi@example.cn', consent: true },
    });
    expect(party.fieldsHeld).toEqual(expect.arrayContaining(['name', 'phone', 'idNumber', 'address', 'age']));
    expect(party.actions).toEqual([]);
    // Her notices (by phone and by her e-mail), not the other party's; other people's names masked in them.
    expect(party.notices.map((n: { recipient: string }) => n.recipient).sort()).toEqual(
      ['jingyi@example.cn', phone].sort(),
    );
    expect(party.notices[0].text).toContain('诸**');
    // The link in a notice is a live credential to the parties' page: never in an export.
    expect(JSON.stringify(body)).not.toContain('Zk3vQ9sLmN2xT8wRq4uY');
    const reporter = cases.find((c) => c.role === 'reporter')!;
    expect(reporter.personalData).toEqual({ name: '司马静怡', relation: '邻居', phone: `+86${phone}` });
    // Nothing of anyone else.
    const all = JSON.stringify(body);
    for (const other of ['诸葛明远', otherPhone, '上官文博', '慕容秀兰', '欧阳晓梅', unrelated.id])
      expect(all).not.toContain(other);

    // The identity number alone finds her as the party only; a name alone finds both.
    const byId = expectStatus(await exportFor(`idNumber=${idNumber.toLowerCase()}`, admin), 200);
    expect(byId.cases.map((c: { role: string }) => c.role)).toEqual(['applicant']);
    const byName = expectStatus(await exportFor(`name=${encodeURIComponent('司马静怡')}`, admin), 200);
    expect(byName.cases.map((c: { disputeId: string }) => c.disputeId).sort()).toEqual(
      [asParty.id, asReporter.id].sort(),
    );

    // Each export is on the record: who, and the query masked.
    const log = await em.execute<Array<{ actor: string; subject: string; details: Record<string, number> }>>(
      `select actor, subject, details from data_protection_log where kind = 'export' and subject like ? order by id`,
      [`%${phone.slice(-4)}%`],
    );
    expect(log[0]).toMatchObject({ actor: 'staff:admin', details: { cases: 2, notices: 2 } });
    expect(log[0]!.subject).not.toContain(phone);
    expect(log[0]!.subject).toContain(phone.slice(0, 3));
  });

  it('is for administrators only, wants a query, and is rate-limited', async () => {
    const phone = uniquePhone();
    const refused = await exportFor(`phone=${phone}`, mediator);
    expect(refused.statusCode).toBe(403);
    expect((await exportFor(`phone=${phone}`, api.integrator)).statusCode).toBe(403);
    expect((await sys.app.inject({ url: `/api/v1/admin/personal-data?phone=${phone}` })).statusCode).toBe(401);
    const empty = await exportFor('', admin);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('须给出手机号');
    const ip = '10.77.0.1';
    const codes: number[] = [];
    for (let i = 0; i <= PERSONAL_DATA_EXPORTS_PER_MINUTE; i++)
      codes.push(
        (await sys.app.inject({ url: `/api/v1/admin/personal-data?phone=${phone}`, headers: admin, remoteAddress: ip }))
          .statusCode,
      );
    expect(codes.slice(0, PERSONAL_DATA_EXPORTS_PER_MINUTE).every((c) => c === 200)).toBe(true);
    expect(codes[PERSONAL_DATA_EXPORTS_PER_MINUTE]).toBe(429);
  });
});
