/**
 * One character must not freeze a case: a lone UTF-16 surrogate passed JSON parsing and the schema,
 * then PostgreSQL's jsonb refused it and the case's projection retried for ever. Every string field
 * of every action, of a new case and of Open311 is poisoned here (an unpaired surrogate, a NUL, a
 * right-to-left override): each is a 400 naming the field, and the case still takes its next action.
 */
import type { TSchema } from '@sinclair/typebox';
import { ActionPayloadSchemas } from '../../domain/action-payloads';
import { ACTIONS } from '../../domain/lifecycle';
import { cutCodePoints } from '../../domain/text';
import { apiOf } from '../helpers/api';
import { hallwayClutter } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

const POISONS = ['a\ud800b', 'a\u0000b', 'a\u202eb'];
const report = hallwayClutter();

/** Every string field of a payload schema, as [its path under body/, a body poisoned there]. */
function poisonedBodies(schema: TSchema, poison: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    const p = prop as { type?: string; items?: TSchema; properties?: Record<string, TSchema> };
    if (p.type === 'string') out.push([`body/${name}`, { [name]: poison }]);
    if (p.type === 'array' && (p.items as { properties?: unknown })?.properties) {
      for (const [inner, sub] of poisonedBodies(p.items!, poison))
        out.push([`body/${name}/0${inner.slice(4)}`, { [name]: [sub] }]);
    }
    if (p.type === 'object' && p.properties) {
      for (const [inner, sub] of poisonedBodies(prop, poison))
        out.push([`body/${name}${inner.slice(4)}`, { [name]: sub }]);
    }
  }
  return out;
}

it('refuses a poisoned string in every field of every action, and the case goes on', async () => {
  const created = await api.create(report);
  const mediator = await api.as('mediator@yufuci-community');
  let fields = 0;
  for (const action of ACTIONS) {
    for (const poison of POISONS) {
      for (const [field, body] of poisonedBodies(ActionPayloadSchemas[action], poison)) {
        const res = await api.tryAct(created.id, action, body as object, mediator);
        expect({ action, field, status: res.statusCode }).toEqual({ action, field, status: 400 });
        expect(res.json().errors).toEqual([expect.objectContaining({ field })]);
        fields += 1;
      }
    }
  }
  expect(fields).toBeGreaterThan(3 * 40);
  // Nothing reached the case: it takes its next action.
  const accepted = await api.act(created.id, 'accept', { note: '已受理' }, mediator);
  expect(accepted.stage).toBe('in_mediation');
  const noted = await api.act(created.id, 'add-note', { text: '当事人已到场 😀' }, mediator);
  expect(noted.notes.at(-1).text).toBe('当事人已到场 😀');
});

it('refuses a poisoned new case, in the body and in a party, naming the field', async () => {
  for (const poison of POISONS) {
    for (const [field, body] of [
      ['body/title', { ...report, title: poison }],
      ['body/parties/1/name', { ...report, parties: [report.parties[0], { name: poison, role: 'respondent' }] }],
      ['body/description', { ...report, description: `说明${poison}` }],
    ] as const) {
      const res = await sys.app.inject({
        method: 'POST',
        url: '/api/v1/disputes',
        headers: api.integrator,
        payload: body,
      });
      expect({ field, status: res.statusCode }).toEqual({ field, status: 400 });
      expect(res.json().errors[0].field).toBe(field);
    }
  }
  // A query string too.
  const res = await sys.app.inject({
    url: `/api/v1/disputes?q=${encodeURIComponent('a\u202eb')}`,
    headers: api.integrator,
  });
  expect(res.statusCode).toBe(400);
});

it('Open311: a poisoned report is refused; a long one with an emoji at the cut keeps it whole', async () => {
  const form = (description: string) =>
    new URLSearchParams({
      service_code: 'neighbour',
      address_id: 'yufuci-taoli',
      description,
      first_name: '某',
      last_name: '王',
    }).toString();
  const headers = { ...api.integrator, 'content-type': 'application/x-www-form-urlencoded' };
  const bad = await sys.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers,
    payload: form('楼道\u202e堆物'),
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('description');
  // 59 characters, then an emoji (two UTF-16 units) that a cut at 60 units would split.
  const description = `${'邻'.repeat(59)}😀后面还有更多的描述文字`;
  const created = await sys.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers,
    payload: form(description),
  });
  expect(created.statusCode).toBe(201);
  const id = created.json()[0].service_request_id as string;
  const c = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers: api.integrator }), 200);
  expect(c.title).toBe(cutCodePoints(description, 60));
  expect(c.title.endsWith('😀')).toBe(true);
  // The case goes on.
  const mediator = await api.as('mediator@yufuci-community');
  expect((await api.act(id, 'accept', {}, mediator)).stage).toBe('in_mediation');
});
