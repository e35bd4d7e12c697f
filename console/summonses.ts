/**
 * The agency representative's page: the joint mediations their agency is summoned (吹哨) or invited
 * to, in meeting order (the coming ones first, soonest at the top; past ones after, latest first).
 * Each card says by when to answer (the report-in deadline, 报到时限, when a street convenes), whom to
 * contact (the convening unit, its telephone where the directory has one, and the mediator: what
 * the API shows the representative, no more), links the notice itself, and offers confirm (报到) or
 * decline buttons that post the case actions while the meeting is still to come.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beijing, callApi, chrome, ok, signedIn, type ConsoleContext } from './context';
import { fill } from './i18n';

interface SummonsMeeting {
  round: number;
  at: string;
  place: string;
  agenda?: string;
  kind?: 'convened' | 'invitation';
  convenor?: { code: string; name: string; phone?: string };
  convenedBy?: { name?: string };
  outcome?: unknown;
  agencies: Array<{ code: string; answer?: string; note?: string }>;
}

interface SummonedCase {
  id: string;
  caseNumber?: string;
  title: string;
  stage: string;
  unit?: { name: string; phone?: string };
  meeting?: SummonsMeeting;
  pastMeetings?: SummonsMeeting[];
  deadlines?: { report_in?: { dueAt: string; breached?: boolean } };
}

/** Beijing time in the console's language (console/context.ts `beijing`). */
const when = (ctx: Pick<ConsoleContext, 'lang'>, iso: string): string => beijing(iso, ctx.lang);

export default async function summonsPages(app: FastifyInstance): Promise<void> {
  app.get('/console/summonses', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const { t } = ctx;
    const agency = ctx.user.agencyCode;
    // The API shows an agency representative only the cases their agency is or was summoned to,
    // in every stage: a summons stays on the page after its meeting.
    const list = ok(await callApi<{ items: SummonedCase[] }>(app, request, ctx, 'GET', '/api/v1/disputes?limit=100'));
    const now = Date.now();
    const cards = list.items.flatMap((c) => {
      const meetings = [...(c.pastMeetings ?? []).map((m) => ({ m, current: false }))];
      if (c.meeting) meetings.push({ m: c.meeting, current: true });
      // The notice document is that of the case's latest meeting (documents/summons): linked on that card only.
      const latest = meetings[meetings.length - 1]?.m;
      return meetings
        .map(({ m, current }) => ({ m, current, mine: m.agencies.find((a) => a.code === agency) }))
        .filter((x) => x.mine)
        .map(({ m, current, mine }) => {
          const past = Date.parse(m.at) <= now || !current || !!m.outcome;
          // The report-in deadline belongs to the meeting in progress; a community only invites.
          const due = current && m.kind !== 'invitation' ? c.deadlines?.report_in : undefined;
          const replyBy = due
            ? fill(due.breached || Date.parse(due.dueAt) <= now ? t.summons.replyOverdue : t.summons.replyByValue, {
                at: when(ctx, due.dueAt),
              })
            : m.kind === 'invitation'
              ? t.summons.replyInvitation
              : t.summons.replyNone;
          const answer = mine!.answer;
          return {
            past,
            sortAt: Date.parse(m.at),
            id: c.id,
            key: `${c.id}-${m.round}`,
            caseNumber: c.caseNumber ?? '—',
            title: c.title,
            at: when(ctx, m.at),
            atIso: m.at,
            place: m.place,
            agenda: m.agenda ?? null,
            replyBy,
            replyLate: !!due && (due.breached === true || Date.parse(due.dueAt) <= now),
            convenorLabel: m.kind === 'invitation' ? t.summons.invitedBy : t.summons.convenor,
            convenor: m.convenor?.name ?? c.unit?.name ?? '—',
            phone: m.convenor?.phone ?? (m.convenor ? null : (c.unit?.phone ?? null)),
            mediator: m.convenedBy?.name ?? null,
            noticeHref: m === latest ? `/api/v1/disputes/${encodeURIComponent(c.id)}/documents/summons` : null,
            noticeLabel: m.kind === 'invitation' ? t.summons.invitationLink : t.summons.noticeLink,
            answered: answer
              ? `${t.summons.answered}：${answer === 'confirmed' ? t.action['confirm-attendance'] : t.action['decline-attendance']}`
              : null,
            // Answers go to the meeting in progress, while it is still to come.
            canAnswer: !answer && current && !past && c.stage === 'meeting_scheduled',
            idemConfirm: randomUUID(),
            idemDecline: randomUUID(),
          };
        });
    });
    const upcoming = cards.filter((r) => !r.past).sort((a, b) => a.sortAt - b.sortAt);
    const past = cards.filter((r) => r.past).sort((a, b) => b.sortAt - a.sortAt);
    const q = request.query as Record<string, string | undefined>;
    return reply.view('summonses.hbs', {
      ...chrome(ctx, 'summonses', request),
      upcoming,
      past,
      any: cards.length > 0,
      done: q.done === '1' ? t.case.done : null,
    });
  });
}
