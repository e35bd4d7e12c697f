/**
 * The case page's routes (the inbox is console/inbox.ts): the page itself (console/case-page.ts
 * renders it) and its action forms, each posted to the API's signals route.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACTIONS, type Action } from '../domain/lifecycle';
import { AppError } from '../api/errors';
import { callApi, checkCsrf, reasonOf, signedIn, type Problem } from './context';
import { fieldErrorsOf, payloadOf, type FormBody } from './forms';
import { safeNext } from './session';
import { registerSigningLinkForm } from './esign-view';
import evidencePages from './attachments-view';
import { registerContactForm } from './notices-view';
import { renderCase } from './case-page';

export default async function casePages(app: FastifyInstance): Promise<void> {
  app.get('/console/cases/:id', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const q = request.query as Record<string, string | undefined>;
    const done = ACTIONS.includes(q.done as Action) ? (q.done as Action) : undefined;
    return renderCase(app, request, reply, ctx, caseIdOf(request), { done });
  });

  app.post('/console/cases/:id/actions/:action', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const id = caseIdOf(request);
    const action = (request.params as { action: string }).action as Action;
    if (!ACTIONS.includes(action)) throw new AppError('not_found', `no action ${action}`);
    const form = (request.body ?? {}) as FormBody;
    checkCsrf(ctx, form);
    const { payload, errors } = payloadOf(action, form, ctx.lang);
    if (Object.keys(errors).length) {
      return renderCase(app, request, reply, ctx, id, {
        failed: { action, status: 400, reason: Object.values(errors).join(' · '), values: form, errors },
      });
    }
    const idem = typeof form._idem === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(form._idem) ? form._idem : randomUUID();
    const answer = await callApi(
      app,
      request,
      ctx,
      'POST',
      `/api/v1/disputes/${encodeURIComponent(id)}/signals/${action}`,
      payload,
      { 'idempotency-key': `console-${idem}` },
    );
    if (answer.status === 200) {
      const back =
        typeof form._return === 'string' && form._return
          ? safeNext(form._return)
          : `/console/cases/${encodeURIComponent(id)}?done=${action}`;
      return reply.redirect(back, 303);
    }
    if (answer.status === 401)
      return reply.redirect(`/console/login?expired=1&next=${encodeURIComponent(`/console/cases/${id}`)}`, 303);
    return renderCase(app, request, reply, ctx, id, {
      failed: {
        action,
        status: answer.status,
        reason: reasonOf(answer, ctx.lang),
        values: form,
        errors: fieldErrorsOf(answer.body as Problem, ctx.lang),
      },
    });
  });
  // Issue 22: send a party its signing link (console/esign-view.ts).
  registerSigningLinkForm(app);
  registerContactForm(app);
  // Issue 22: evidence — upload, link, download (console/attachments-view.ts; multipart in its own scope).
  await app.register(evidencePages);
}

function caseIdOf(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  // A case id as the API takes it (api/routes/disputes.ts): anything else is no case here either.
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new AppError('not_found', `no case ${id}`);
  return id;
}
