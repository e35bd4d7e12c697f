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
    /**
     * The parties' will on record before a meeting or an agreement (人民调解法 Art. 17, 20, 23–24;
     * 2002 规定 Art. 30): each party consents (an applicant of a case on application by applying),
     * has the rights-and-obligations notice, and agrees to inviting others. The case as it then stands.
     */
    async consentAll(id: string, headers: Headers) {
      const c = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${id}`, headers }), 200);
      let now = c;
      for (const [i, p] of (c.parties as Array<{ role: string }>).entries()) {
        const applied = p.role === 'applicant' && (c.source ?? 'party_application') === 'party_application';
        now = expectStatus(
          await sys.app.inject({
            method: 'POST',
            url: `/api/v1/disputes/${id}/signals/record-consent`,
            headers,
            payload: {
              party: i,
              consented: true,
              manner: applied ? 'by_application' : 'oral',
              rightsNotice: 'written',
              inviteOthers: true,
            },
          }),
          200,
        );
      }
      return now;
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
