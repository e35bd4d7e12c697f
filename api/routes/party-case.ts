/**
 * The party's own case page (/p/case) and what it may do there: read the documents meant for it,
 * upload evidence (through attachments/service.ts), withdraw its own application (`withdraw` as the
 * party actor for its own index; the workflow refuses another index) and rate the mediation in the
 * follow-up (`rate-satisfaction`). Every form names the case it was shown for: a form of another case
 * (another tab, an older session) is answered 404 like any case outside the caller's view.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { addAttachment } from '../../attachments/service';
import { Dispute } from '../../db/entities';
import { ActionPayloadSchemas } from '../../domain/action-payloads';
import type { Actor } from '../../domain/types';
import { RATING_WORDS, partyPageModel } from '../../parties/case-page';
import { partyDocument } from '../../parties/documents';
import { PgAttachmentStore } from '../../storage/pg-store';
import { ACTION_UPDATES, workflowIdFor } from '../../workflows/dispute.messages';
import { AppError, fromTemporal } from '../errors';
import { partyFromRequest } from '../party-session';
import { withinDeadline } from '../report-case';
import type { PartyPagesOptions } from './party';

type PartyAction = 'withdraw' | 'rate-satisfaction';

/** Runs one of the party's own actions on its case's workflow, as the party. */
export async function runPartyAction(
  app: FastifyInstance,
  disputeId: string,
  actor: Actor,
  action: PartyAction,
  payload: Record<string, unknown>,
): Promise<void> {
  if (!Value.Check(ActionPayloadSchemas[action], payload)) {
    const first = [...Value.Errors(ActionPayloadSchemas[action], payload)][0];
    throw new AppError(
      'validation_failed',
      `请检查填写的内容 / check what you entered${first ? `: ${first.path} ${first.message}` : ''}`,
    );
  }
  const handle = app.temporal.workflow.getHandle(workflowIdFor(disputeId));
  try {
    await withinDeadline(app, () =>
      handle.executeUpdate(ACTION_UPDATES[action] as (typeof ACTION_UPDATES)['withdraw'], {
        args: [{ actor, payload: payload as never }],
      }),
    );
  } catch (err) {
    throw fromTemporal(err) ?? err;
  }
}

const NOTICES: Record<string, string> = {
  evidence: '材料已上传。/ Uploaded.',
  withdrawn: '已撤回，本案已结案。/ Withdrawn: the case is closed.',
  rated: '感谢您的评价。/ Thank you for your rating.',
};

const partyCase: FastifyPluginAsync<PartyPagesOptions> = async (app, opts) => {
  const store = opts.attachmentStore ?? app.attachmentStore ?? new PgAttachmentStore(app.orm);
  const limits = opts.attachmentLimits ?? app.attachmentLimits;

  /** The session's party, or a redirect to the login page. */
  async function party(request: FastifyRequest, reply: FastifyReply) {
    const found = await partyFromRequest(request, reply);
    if (!found) void reply.redirect('/p/login', 303);
    return found;
  }

  /** The form was shown for the session's case: else 404, as for any case outside the caller's view. */
  function sameCase(sent: unknown, disputeId: string): void {
    if (sent !== disputeId) throw new AppError('not_found', '没有这个案件 / no such case');
  }

  app.get('/p/case', { config: { public: true } }, async (request, reply) => {
    const p = await party(request, reply);
    if (!p) return reply;
    const row = await app.orm.em.fork().findOne(Dispute, { id: p.disputeId });
    if (!row) throw new AppError('not_found', '没有这个案件 / no such case');
    const m = partyPageModel(row.state, p.partyIndex);
    const done = (request.query as { done?: string }).done;
    return reply.view('case.hbs', {
      pageTitle: m.caseNumber,
      m,
      csrf: reply.generateCsrf(),
      disputeId: p.disputeId,
      notice: done ? (NOTICES[done] ?? null) : null,
      noticeError: false,
      ratings: RATING_WORDS.map((words, i) => ({ value: i + 1, words })),
    });
  });

  app.get('/p/case/documents/:kind', { config: { public: true } }, async (request, reply) => {
    const p = await party(request, reply);
    if (!p) return reply;
    const row = await app.orm.em.fork().findOne(Dispute, { id: p.disputeId });
    const kind = (request.params as { kind: string }).kind;
    const html = row ? await partyDocument(app.orm.em.fork(), opts.renderer, row.state, p.partyIndex, kind) : undefined;
    if (!html) throw new AppError('not_found', '没有这份文书 / no such document');
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post('/p/case/evidence', { config: { public: true } }, async (request, reply) => {
    const p = await party(request, reply);
    if (!p) return reply;
    if (!request.isMultipart()) throw new AppError('validation_failed', '请选择文件 / choose a file');
    const parts = request.parts({
      limits: { files: 1, fields: 4, fileSize: (limits?.maxBytes ?? 10 * 1024 * 1024) + 1 },
    });
    const fields: Record<string, string> = {};
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      // The CSRF token and the case come before the file (the form puts them first).
      (request as FastifyRequest & { multipartCsrf?: string }).multipartCsrf = fields._csrf;
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection.call(app, request, reply, (err?: Error) => (err ? reject(err) : resolve())),
      ).catch((err: unknown) => {
        part.file.resume();
        throw err;
      });
      try {
        sameCase(fields.case, p.disputeId);
      } catch (err) {
        part.file.resume();
        throw err;
      }
      if (!part.filename) {
        part.file.resume();
        throw new AppError('validation_failed', '请选择文件 / choose a file');
      }
      await addAttachment(
        { orm: app.orm, store, temporal: app.temporal, ...(limits ? { limits } : {}) },
        { disputeId: p.disputeId, actor: p.actor, source: 'party', fileName: part.filename, stream: part.file },
      );
      return reply.redirect('/p/case?done=evidence#evidence', 303);
    }
    throw new AppError('validation_failed', '请选择文件 / choose a file');
  });

  app.post('/p/case/withdraw', { config: { public: true }, preHandler: app.csrfProtection }, async (request, reply) => {
    const p = await party(request, reply);
    if (!p) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    sameCase(form.case, p.disputeId);
    if (form.confirm !== 'yes') throw new AppError('validation_failed', '请勾选确认撤回 / tick the box to confirm');
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    await runPartyAction(app, p.disputeId, p.actor, 'withdraw', { reason, party: p.partyIndex });
    return reply.redirect('/p/case?done=withdrawn', 303);
  });

  app.post('/p/case/rate', { config: { public: true }, preHandler: app.csrfProtection }, async (request, reply) => {
    const p = await party(request, reply);
    if (!p) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    sameCase(form.case, p.disputeId);
    const rating = Number(form.rating);
    const comment = typeof form.comment === 'string' ? form.comment.trim() : '';
    await runPartyAction(app, p.disputeId, p.actor, 'rate-satisfaction', {
      rating: Number.isInteger(rating) ? rating : 0,
      ...(comment ? { comment } : {}),
    });
    return reply.redirect('/p/case?done=rated#rated', 303);
  });
};

export default partyCase;
