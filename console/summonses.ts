/**
 * The agency representative's page: the joint mediations their agency is summoned to (吹哨), with
 * confirm (报到) or decline buttons that post the case actions.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beijing, callApi, chrome, ok, signedIn } from './context';

interface SummonedCase {
  id: string;
  caseNumber?: string;
  title: string;
  stage: string;
  unit?: { name: string };
  meeting?: {
    round: number;
    at: string;
    place: string;
    agenda?: string;
    agencies: Array<{ code: string; answer?: string; note?: string }>;
  };
}

export default async function summonsPages(app: FastifyInstance): Promise<void> {
  app.get('/console/summonses', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { t } = ctx;
    const agency = ctx.user.agencyCode;
    // The API shows an agency representative only the cases their agency is summoned to.
    const list = ok(
      await callApi<{ items: SummonedCase[] }>(
        app,
        request,
        ctx,
        'GET',
        '/api/v1/disputes?stage=meeting_scheduled&limit=100',
      ),
    );
    const rows = list.items
      .map((c) => ({ c, mine: c.meeting?.agencies.find((a) => a.code === agency) }))
      .filter((r) => r.mine)
      .map(({ c, mine }) => ({
        id: c.id,
        caseNumber: c.caseNumber ?? '—',
        title: c.title,
        unitName: c.unit?.name ?? '—',
        at: beijing(c.meeting!.at),
        place: c.meeting!.place,
        agenda: c.meeting!.agenda ?? null,
        answered: mine!.answer
          ? `${t.summons.answered}：${mine!.answer === 'confirmed' ? t.action['confirm-attendance'] : t.action['decline-attendance']}`
          : null,
        idemConfirm: randomUUID(),
        idemDecline: randomUUID(),
      }));
    const q = request.query as Record<string, string | undefined>;
    return reply.view('summonses.hbs', {
      ...chrome(ctx, 'summonses', request),
      rows,
      done: q.done === '1' ? t.case.done : null,
    });
  });
}
