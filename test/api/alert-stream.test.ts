/**
 * Live alerts: NOTIFY from raiseAlert, LISTEN in the API (one connection per process), the SSE
 * stream scoped to the caller's area with Last-Event-ID replay, and acknowledgement. A real case
 * breaches its (2 s) accept deadline on the real workflow; streams are read over a real listener.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client as PgClient, type Notification } from 'pg';
import { raiseAlert, type RaiseAlertRequest } from '../../activities/alerts';
import { buildApp } from '../../api/app';
import { createRenderer } from '../../templates/render';
import { expectStatus, eventually, startSystem, type TestSystem } from '../helpers/system';

interface SseEvent {
  event?: string;
  id?: string;
  data: any;
}

/** One open `GET /api/v1/alerts/stream`, parsed as it arrives. */
class Stream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private buffer = '';
  constructor(readonly req: http.ClientRequest) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          fields[name] = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        }
      }
      if (fields.data !== undefined)
        this.events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data) });
    }
  }

  /** The alert events of one case, in arrival order. */
  of(disputeId: string): SseEvent[] {
    return this.events.filter((e) => e.data?.disputeId === disputeId);
  }

  waitFor(pred: (e: SseEvent) => boolean, ms: number, what: string): Promise<SseEvent> {
    return eventually(async () => this.events.find(pred), ms, what);
  }

  close(): void {
    this.req.destroy();
  }
}

let sys: TestSystem;
let baseUrl: string;
const streams: Stream[] = [];
const tokens = new Map<string, string>();

async function tokenOf(username: string): Promise<string> {
  if (!tokens.has(username)) tokens.set(username, await sys.login(username));
  return tokens.get(username)!;
}

/** Opens a stream and resolves once it is established (its opening comment arrived) or refused. */
async function openStream(
  username: string,
  opts: { lastEventId?: string; query?: string; base?: string } = {},
): Promise<Stream> {
  const token = await tokenOf(username);
  const url = `${opts.base ?? baseUrl}/api/v1/alerts/stream${opts.query ?? ''}`;
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (opts.lastEventId) headers['last-event-id'] = opts.lastEventId;
    const req = http.get(url, { headers, agent: false });
    const stream = new Stream(req);
    streams.push(stream);
    req.on('error', (err) => {
      if (!stream.ended) reject(err);
    });
    req.on('response', (res) => {
      stream.status = res.statusCode ?? 0;
      stream.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.feed(chunk);
        if (stream.comments.length > 0) resolve(stream);
      });
      res.on('end', () => {
        stream.ended = true;
        resolve(stream);
      });
      res.on('close', () => {
        stream.ended = true;
      });
    });
  });
}

/** A synthetic alert (not from a workflow) on `unitCode`, for the live/NOTIFY mechanics. */
function syntheticAlert(unitCode: string, kind: RaiseAlertRequest['kind'] = 'high_risk'): RaiseAlertRequest {
  const disputeId = `sse-test-${randomUUID()}`;
  return { disputeId, kind, stageEntry: 1, unitCode, message: `测试告警 ${disputeId}`, at: new Date().toISOString() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sys = await startSystem();
  // Category `land` is this file's own: 2 s to accept at community level (warning at 1 s), an hour at the street.
  await sys.orm.em.execute(
    `insert into sla_policies (category, priority, level, accept_seconds, handling_seconds, warning_share, auto_escalate, calendar)
     values ('land', 'normal', 'community', 2, 60, 0.5, true, 'wall-clock'),
            ('land', 'normal', 'street', 3600, 3600, 0.8, true, 'wall-clock')`,
  );
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(sys.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of streams) s.close();
  await sys?.close();
});
// A session may hold only a few streams at once (ALERT_STREAMS_PER_SESSION): each test closes its own.
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await eventually(async () => sys.app.alertStream.status().subscribers === 0, 5_000, 'the streams to end');
});

const report = {
  gridCode: 'wangjiaqiao-g1',
  category: 'land',
  title: '宅基地边界纠纷',
  description: '两户村民因宅基地边界的围墙位置发生争执。',
  parties: [
    { name: '赵某', role: 'applicant' },
    { name: '钱某', role: 'respondent' },
  ],
  channel: '12345',
};

let created: { id: string; caseNumber: string };
let warning: SseEvent;
let breach: SseEvent;

it('streams the warning and the breach of a case live to its area, and nothing to another area', async () => {
  const street = await openStream('supervisor@wangjiaqiao-street');
  const yufuci = await openStream('supervisor@yufuci-community');
  const admin = await openStream('admin');
  expect(street.status).toBe(200);
  expect(street.headers['content-type']).toMatch(/^text\/event-stream/);
  expect(street.headers['cache-control']).toBe('no-store'); // alerts carry personal data
  expect(street.headers['x-accel-buffering']).toBe('no');
  expect(street.headers.connection).toBe('keep-alive');

  const integrator = { authorization: `Bearer ${sys.apiKey}` };
  created = expectStatus(
    await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers: integrator, payload: report }),
    201,
  );
  expect((created as unknown as { unit: { code: string } }).unit.code).toBe('wangjiaqiao-community');

  breach = await street.waitFor(
    (e) => e.data.disputeId === created.id && e.data.kind === 'accept_breach',
    15_000,
    'accept_breach on the stream',
  );
  const events = street.of(created.id);
  expect(events.map((e) => e.data.kind)).toEqual(['accept_warning', 'accept_breach']);
  warning = events[0]!;
  for (const e of events) {
    expect(e.event).toBe('alert');
    expect(e.id).toBe(e.data.id);
    expect(e.data).toEqual({
      id: expect.stringMatching(/^\d+$/),
      disputeId: created.id,
      caseNumber: created.caseNumber,
      kind: e.data.kind,
      unitCode: 'wangjiaqiao-community',
      message: expect.stringContaining(created.caseNumber),
      raisedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  }
  expect(BigInt(breach.id!)).toBeGreaterThan(BigInt(warning.id!));

  // The same shape as the list.
  const listed = expectStatus(
    await sys.app.inject({
      url: `/api/v1/alerts?disputeId=${created.id}`,
      headers: { authorization: `Bearer ${await tokenOf('supervisor@wangjiaqiao-street')}` },
    }),
    200,
  );
  expect(listed.items).toEqual([breach.data, warning.data]);

  await eventually(async () => admin.of(created.id).length === 2, 5_000, 'the admin stream to see both');
  await sleep(500);
  expect(yufuci.of(created.id)).toEqual([]);
});

it('replays what came after Last-Event-ID (or ?since=) first, then goes on live', async () => {
  const resumed = await openStream('supervisor@wangjiaqiao-street', { lastEventId: warning.id });
  const bySince = await openStream('supervisor@wangjiaqiao-community', { query: `?since=${warning.id}` });
  const yufuci = await openStream('supervisor@yufuci-community', { lastEventId: warning.id });
  for (const s of [resumed, bySince]) {
    await s.waitFor((e) => e.id === breach.id, 5_000, 'the breach replayed');
    expect(s.of(created.id)).toEqual([breach]);
  }
  expect(resumed.comments[0]).toContain(`replaying after ${warning.id}`);

  const live = syntheticAlert('wangjiaqiao-community');
  await raiseAlert(sys.orm.em.fork(), live);
  await resumed.waitFor((e) => e.data.disputeId === live.disputeId, 5_000, 'a live alert after the replay');
  await bySince.waitFor((e) => e.data.disputeId === live.disputeId, 5_000, 'a live alert after the replay');
  await sleep(300);
  expect(resumed.of(live.disputeId)).toHaveLength(1);
  expect(yufuci.events.filter((e) => e.data.disputeId === created.id || e.data.disputeId === live.disputeId)).toEqual(
    [],
  );
});

it('notifies once per inserted alert, only on commit, with the documented payload', async () => {
  const listener = new PgClient({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  const seen: Notification[] = [];
  listener.on('notification', (n) => seen.push(n));
  await listener.query('listen fengqiao_alerts');
  try {
    const req = syntheticAlert('wangjiaqiao-community');
    await raiseAlert(sys.orm.em.fork(), req);
    await raiseAlert(sys.orm.em.fork(), req); // a retried activity
    const rolledBack = syntheticAlert('wangjiaqiao-community');
    await expect(
      sys.orm.em.fork().transactional(async (em) => {
        await raiseAlert(em, rolledBack);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const committed = syntheticAlert('yufuci-community');
    await sys.orm.em.fork().transactional((em) => raiseAlert(em, committed));

    await eventually(
      async () => seen.some((n) => n.payload?.includes(committed.disputeId)),
      5_000,
      'the committed notification',
    );
    await sleep(300);
    const mine = (id: string) => seen.filter((n) => n.payload?.includes(id)).map((n) => JSON.parse(n.payload!));
    expect(mine(rolledBack.disputeId)).toEqual([]);
    expect(mine(committed.disputeId)).toHaveLength(1);
    const [payload, ...more] = mine(req.disputeId);
    expect(more).toEqual([]);
    expect(payload).toEqual({
      id: expect.stringMatching(/^\d+$/),
      disputeId: req.disputeId,
      caseNumber: null,
      kind: 'high_risk',
      unitCode: 'wangjiaqiao-community',
      unitPath: expect.stringMatching(/\/wangjiaqiao-street\/wangjiaqiao-community\/$/),
      message: req.message,
      raisedAt: req.at,
    });
    const rows = await sys.orm.em
      .fork()
      .execute(`select id::text as id from alerts where dispute_id = ?`, [req.disputeId]);
    expect(rows).toEqual([{ id: payload.id }]);
  } finally {
    await listener.end();
  }
});

it('reconnects its listener when the connection drops, and catches up on what was raised meanwhile', async () => {
  const street = await openStream('supervisor@wangjiaqiao-street');
  const before = sys.app.alertStream.status();
  expect(before.listening).toBe(true);
  expect(before.backendPid).toEqual(expect.any(Number));
  await sys.orm.em.fork().execute('select pg_terminate_backend(?)', [before.backendPid]);
  // Raised while the listener is (most likely) still down: the catch-up delivers it.
  const during = syntheticAlert('wangjiaqiao-community');
  await raiseAlert(sys.orm.em.fork(), during);
  await street.waitFor((e) => e.data.disputeId === during.disputeId, 10_000, 'the alert raised while reconnecting');
  const after = await eventually(
    async () => {
      const s = sys.app.alertStream.status();
      return s.listening ? s : undefined;
    },
    10_000,
    'the listener to be back',
  );
  expect(after.backendPid).not.toBe(before.backendPid);
  expect(after.reconnects).toBeGreaterThan(before.reconnects);
  const later = syntheticAlert('wangjiaqiao-community');
  await raiseAlert(sys.orm.em.fork(), later);
  await street.waitFor((e) => e.data.disputeId === later.disputeId, 5_000, 'a live alert after the reconnect');
  expect(street.of(during.disputeId)).toHaveLength(1);
});

it('a second API process sees every alert too, and closing it ends its streams', async () => {
  const second = await buildApp({
    config: { tokenTtlSeconds: 3600, logLevel: 'silent' },
    orm: sys.orm,
    temporal: sys.client,
    renderer: createRenderer(),
    taskQueue: sys.taskQueue,
    logger: false,
  });
  let closed = false;
  try {
    await second.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    const there = await openStream('supervisor@wangjiaqiao-street', { base });
    const here = await openStream('supervisor@wangjiaqiao-street');
    const alert = syntheticAlert('wangjiaqiao-community');
    await raiseAlert(sys.orm.em.fork(), alert);
    await there.waitFor((e) => e.data.disputeId === alert.disputeId, 5_000, 'the alert on the second process');
    await here.waitFor((e) => e.data.disputeId === alert.disputeId, 5_000, 'the alert on the first process');

    // close() must not wait for the open stream (it would hang until the client left).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      second.close().then(() => (closed = true)),
      new Promise((r) => (timer = setTimeout(r, 5_000))),
    ]);
    clearTimeout(timer);
    expect(closed).toBe(true);
    await eventually(async () => there.ended, 2_000, 'the stream to end');
  } finally {
    if (!closed) await second.close();
  }
});

it('refuses the stream to callers who do not read alerts', async () => {
  const integrator = await sys.app.inject({
    url: '/api/v1/alerts/stream',
    headers: { authorization: `Bearer ${sys.apiKey}` },
  });
  expect(integrator.statusCode).toBe(403);
  expect(integrator.headers['content-type']).toMatch(/^application\/problem\+json/);
  const grid = await sys.app.inject({
    url: '/api/v1/alerts/stream',
    headers: { authorization: `Bearer ${await tokenOf('grid@yufuci-taoli')}` },
  });
  expect(grid.statusCode).toBe(403);
  expect((await sys.app.inject({ url: '/api/v1/alerts/stream' })).statusCode).toBe(401);
  const bad = await sys.app.inject({
    url: '/api/v1/alerts/stream?since=abc',
    headers: { authorization: `Bearer ${await tokenOf('admin')}` },
  });
  expect(bad.statusCode).toBe(400);

  const spec = expectStatus(await sys.app.inject({ url: '/docs/json' }), 200);
  const op = spec.paths['/api/v1/alerts/stream'].get;
  expect(op.tags).toEqual(['alerts']);
  expect(Object.keys(op.responses['200'].content)).toEqual(['text/event-stream']);
  expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['last-event-id', 'since']);
  expect(spec.paths['/api/v1/alerts/{id}/ack'].post.responses).toHaveProperty('409');
});

it('acknowledges an alert once, for supervisors of its area only', async () => {
  const as = async (username: string) => ({ authorization: `Bearer ${await tokenOf(username)}` });
  const ack = async (username: string, id: string, payload: object = {}) =>
    sys.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/ack`, headers: await as(username), payload });

  // Refusals first: nothing is recorded by them.
  const mediator = await ack('mediator@wangjiaqiao-street', breach.id!);
  expect(mediator.statusCode).toBe(403);
  expect(mediator.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect((await ack('mediator@wangjiaqiao-community', breach.id!)).statusCode).toBe(403);
  const otherArea = await ack('supervisor@yufuci-community', breach.id!);
  expect(otherArea.statusCode).toBe(404);
  expect(otherArea.json()).toMatchObject({ code: 'not_found' });
  expect((await ack('supervisor@wangjiaqiao-street', '999999999999')).statusCode).toBe(404);
  expect((await ack('supervisor@wangjiaqiao-street', breach.id!, { note: 'x'.repeat(501) })).statusCode).toBe(400);

  const before = Date.now();
  const acked = expectStatus(
    await ack('supervisor@wangjiaqiao-street', breach.id!, { note: '已电话督促社区接单' }),
    200,
  );
  expect(acked).toEqual({
    ...breach.data,
    ackedBy: 'supervisor@wangjiaqiao-street',
    ackedAt: expect.stringMatching(/Z$/),
    ackNote: '已电话督促社区接单',
  });
  expect(Date.parse(acked.ackedAt)).toBeGreaterThanOrEqual(before - 5_000);

  const again = await ack('supervisor@wangjiaqiao-community', breach.id!);
  expect(again.statusCode).toBe(409);
  expect(again.json()).toMatchObject({ code: 'conflict', status: 409 });
  expect(again.json().detail).toContain('supervisor@wangjiaqiao-street');
  expect(again.json().detail).toContain(acked.ackedAt);

  const listed = expectStatus(
    await sys.app.inject({
      url: `/api/v1/alerts?disputeId=${created.id}`,
      headers: await as('supervisor@wangjiaqiao-community'),
    }),
    200,
  );
  expect(listed.items.find((a: { id: string }) => a.id === breach.id)).toEqual(acked);
  expect(listed.items.find((a: { id: string }) => a.id === warning.id)).not.toHaveProperty('ackedBy');

  // The admin may acknowledge anywhere.
  const elsewhere = syntheticAlert('yufuci-community');
  await raiseAlert(sys.orm.em.fork(), elsewhere);
  const [row] = await sys.orm.em
    .fork()
    .execute<{ id: string }[]>(`select id::text as id from alerts where dispute_id = ?`, [elsewhere.disputeId]);
  expect(expectStatus(await ack('admin', row!.id), 200)).toMatchObject({
    ackedBy: 'admin',
    unitCode: 'yufuci-community',
  });
});

it('gives exactly one 200 to two concurrent acknowledgements', async () => {
  const [a, b] = await Promise.all([
    sys.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${warning.id}/ack`,
      headers: { authorization: `Bearer ${await tokenOf('supervisor@wangjiaqiao-street')}` },
      payload: { note: 'street' },
    }),
    sys.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${warning.id}/ack`,
      headers: { authorization: `Bearer ${await tokenOf('supervisor@wangjiaqiao-community')}` },
      payload: { note: 'community' },
    }),
  ]);
  expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
  const winner = (a!.statusCode === 200 ? a : b)!.json();
  const loser = (a!.statusCode === 200 ? b : a)!.json();
  expect(loser.detail).toContain(winner.ackedBy);
  const [row] = await sys.orm.em
    .fork()
    .execute<{ acked_by: string; ack_note: string }[]>(`select acked_by, ack_note from alerts where id = ?`, [
      warning.id,
    ]);
  expect(row).toEqual({ acked_by: winner.ackedBy, ack_note: winner.ackNote });
});
