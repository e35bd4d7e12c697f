/** Small helpers that read like what a mediator does through the API. */
import type { TestSystem } from './system';
import { expectStatus } from './system';

export type Headers = Record<string, string>;

export function apiOf(sys: TestSystem) {
  const tokens = new Map<string, Headers>();
  const as = async (username: string): Promise<Headers> => {
    if (!tokens.has(username)) tokens.set(username, { authorization: `Bearer ${await sys.login(username)}` });
    return tokens.get(username)!;
  };
  const integrator: Headers = { authorization: `Bearer ${sys.apiKey}` };
  return {
    integrator,
    as,
    async create(body: object, headers: Headers = integrator) {
      return expectStatus(
        await sys.app.inject({ method: 'POST', url: '/api/v1/disputes', headers, payload: body }),
        201,
      );
    },
    /** An action; the raw response, to assert refusals. */
    async tryAct(id: string, action: string, payload: object, headers: Headers) {
      return sys.app.inject({ method: 'POST', url: `/api/v1/disputes/${id}/signals/${action}`, headers, payload });
    },
    /** An action that must succeed; the case as it now stands. */
    async act(id: string, action: string, payload: object, headers: Headers) {
      return expectStatus(
        await sys.app.inject({ method: 'POST', url: `/api/v1/disputes/${id}/signals/${action}`, headers, payload }),
        200,
      );
    },
    async get(id: string, headers: Headers = integrator) {
      return expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers }), 200);
    },
    async events(
      id: string,
      headers: Headers = integrator,
    ): Promise<Array<{ type: string; seq: number; payload: Record<string, unknown> }>> {
      return expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${id}/events`, headers }), 200).items;
    },
    async alerts(
      disputeId: string,
      headers: Headers,
    ): Promise<Array<{ kind: string; unitCode: string; message: string }>> {
      return expectStatus(await sys.app.inject({ url: `/api/v1/alerts?disputeId=${disputeId}`, headers }), 200).items;
    },
  };
}
