/**
 * Evidence on the console's case page (issue 22, item 1): the list (name, type, size, short SHA-256,
 * who added it and when, in Beijing time), a download through the console that checks the session's
 * view of the case, an upload form (multipart, streamed into the store, never held whole) and a
 * form to record a link. Who may see and add follows the API (api/routes/attachments.ts): a case
 * outside the session's view is 404; names are shown as the API shows them to this reader.
 *
 * CSRF: a multipart body cannot be read before its file, so the token must come first — the
 * header `x-csrf-token`, or the form's first part `_csrf` (the hidden input leads the form) — and
 * nothing of the body is used, no byte stored, before it has been checked.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { addAttachment, openAttachment, type AttachmentView } from '../attachments/service';
import { audienceOf } from '../api/case-access';
import { findVisibleCase, findVisibleCaseHead } from '../api/disputes-repository';
import { AppError } from '../api/errors';
import { actorOf } from '../api/plugins/auth';
import { contentDisposition, shown } from '../api/routes/attachments';
import { lensFor } from '../security/visibility';
import { callApi, checkCsrf, signedIn, type ConsoleContext } from './context';
import { when } from './case-signing';
import { fill } from './i18n';
import { csrfValid } from './session';

/** Why evidence was not added, by a fixed key (the query string reflects no text). */
const WHY: Record<string, { zh: string; en: string }> = {
  too_large: { zh: '文件超过大小上限', en: 'the file is larger than the limit' },
  type: {
    zh: '只接受照片、PDF 和音频，按文件内容判断',
    en: 'only photos, PDFs and audio are accepted, told by the content',
  },
  heic: {
    zh: '苹果手机高效格式照片中的位置信息无法安全去除：请转为常见图片格式后上传，或勾选“保留位置信息”',
    en: 'the location in a HEIC photo cannot be removed safely: send it as JPEG, or tick “keep location metadata”',
  },
  closed: { zh: '案件已办结，不能再添加证据材料', en: 'the case is closed: no more evidence can be added' },
  full: { zh: '本案证据材料已达上限', en: 'the case already has its limit of attachments' },
  forbidden: { zh: '您不能为本案添加证据材料', en: 'you may not add evidence to this case' },
  link: {
    zh: '链接须为不含账号密码的网址',
    en: 'the link must be an http(s) address without credentials',
  },
  missing: { zh: '请选择要上传的文件', en: 'choose a file to upload' },
  failed: { zh: '请稍后再试', en: 'try again in a moment' },
};

/** The key of WHY for a refusal (status and, for 409/415, what the API said). */
export function whyKey(status: number, detail = '', stage?: string): string {
  if (status === 413) return 'too_large';
  if (status === 415) return /位置信息无法安全去除/.test(detail) ? 'heic' : 'type';
  if (status === 409) return stage === 'closed' ? 'closed' : 'full';
  if (status === 403) return 'forbidden';
  if (status === 400 || status === 422) return 'link';
  return 'failed';
}

/** A file's size in the reader's words (兆字节 / 千字节 / 字节 in the Chinese console). */
const humanSize = (n: number, zh = true) => {
  const [mb, kb, b] = zh ? ['兆字节', '千字节', '字节'] : [' MB', ' KB', ' B'];
  return n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)}${mb}`
    : n >= 1024
      ? `${Math.round(n / 1024)}${kb}`
      : `${n}${b}`;
};

/** The case page's evidence block: the list and, when the person may add evidence now, the two forms. */
export async function evidenceView(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: ConsoleContext,
  caseId: string,
  mayAdd: boolean,
) {
  const { t, lang } = ctx;
  const zh = lang === 'zh-CN';
  const q = request.query as Record<string, string | undefined>;
  const list = await callApi<{ items: AttachmentView[] }>(
    app,
    request,
    ctx,
    'GET',
    `/api/v1/disputes/${encodeURIComponent(caseId)}/attachments`,
  );
  const items = list.status === 200 ? list.body.items : [];
  const why = q.evidenceFailed ? (WHY[q.evidenceFailed] ?? WHY.failed!) : undefined;
  const { maxBytes, maxPerCase } = app.attachmentLimits;
  const base = `/console/cases/${encodeURIComponent(caseId)}/evidence`;
  return {
    rows: items.map((a) => ({
      name: a.name,
      isLink: a.kind === 'link',
      url: a.kind === 'link' ? a.url : null,
      href: a.kind === 'file' ? `${base}/${a.id}` : null,
      type: a.kind === 'link' ? t.evidence.link : a.mediaType,
      size: a.kind === 'link' ? '—' : humanSize(a.size, zh),
      sha: a.sha256 ? a.sha256.slice(0, 16) : '—',
      shaFull: a.sha256 ?? '',
      by: a.uploadedBy.name,
      at: when(a.createdAt, lang),
      keptLocation: a.keptLocation,
      description: a.description ?? null,
    })),
    mayAdd,
    upload: base,
    link: `${base}/link`,
    accepts: fill(t.evidence.accepts, { mb: Math.round((maxBytes / 1024 / 1024) * 10) / 10, count: maxPerCase }),
    notice: q.evidence === 'added' ? t.evidence.added : null,
    failed: why ? `${t.evidence.failed}：${zh ? why.zh : why.en}` : null,
  };
}

function caseIdOf(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new AppError('not_found', `no case ${id}`);
  return id;
}

const truthy = (v: unknown) => v === 'true' || v === 'on' || v === '1' || v === 'yes';
const DOWNLOAD = '/console/cases/:id/evidence/:attId';

/** The console's evidence routes, in a scope of their own (multipart is parsed here only). */
export default async function evidencePages(app: FastifyInstance): Promise<void> {
  const limits = app.attachmentLimits;
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxBytes + 1, files: 1, fields: 4, fieldSize: 8 * 1024, parts: 6, headerPairs: 50 },
  });
  // A download is no page: a sandbox for it, whatever the console's page policy says.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url === DOWNLOAD) reply.header('content-security-policy', "default-src 'none'; sandbox");
    return payload;
  });

  app.post(
    '/console/cases/:id/evidence',
    { config: { public: true }, bodyLimit: limits.maxBytes + 64 * 1024 },
    async (request, reply) => {
      const ctx = await signedIn(app, request, reply);
      if (!ctx) return reply;
      const id = caseIdOf(request);
      const back = `/console/cases/${encodeURIComponent(id)}`;
      const refused = (key: string) => reply.redirect(`${back}?evidenceFailed=${key}#h-evidence`, 303);
      if (!request.isMultipart())
        throw new AppError(
          'validation_failed',
          '请以 multipart/form-data 上传文件 / send the file as multipart/form-data',
        );
      // Outside the session's view: 404, before a byte of the body is read.
      await findVisibleCaseHead(app.orm.em.fork(), ctx.user, id);
      let csrfOk = csrfValid(ctx.token, request.headers['x-csrf-token']);
      let keepLocation = false;
      let description: string | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'field' && part.fieldname === '_csrf' && !csrfOk) {
          checkCsrf(ctx, { _csrf: part.value });
          csrfOk = true;
          continue;
        }
        if (!csrfOk) {
          if (part.type === 'file') part.file.resume();
          checkCsrf(ctx, {}); // throws: the token must come before anything else
        }
        if (part.type === 'field') {
          if (part.fieldname === 'keepLocation') keepLocation = truthy(part.value);
          if (part.fieldname === 'description' && typeof part.value === 'string') description = part.value;
          continue;
        }
        if (part.fieldname !== 'file' || !part.filename) {
          part.file.resume(); // another part, or the file input left empty
          continue;
        }
        try {
          await addAttachment(
            { orm: app.orm, store: app.attachmentStore, temporal: app.temporal, limits },
            {
              disputeId: id,
              actor: actorOf(ctx.user),
              source: 'staff',
              fileName: part.filename,
              stream: part.file,
              keepLocation,
              description,
            },
          );
        } catch (err) {
          if (!(err instanceof AppError) || err.status === 404 || err.status >= 500) throw err;
          return refused(whyKey(err.status, err.message, err.extra.stage));
        }
        return reply.redirect(`${back}?evidence=added#h-evidence`, 303);
      }
      if (!csrfOk) checkCsrf(ctx, {});
      return refused('missing');
    },
  );

  app.post('/console/cases/:id/evidence/link', { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const id = caseIdOf(request);
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkCsrf(ctx, form);
    const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '');
    const back = `/console/cases/${encodeURIComponent(id)}`;
    const answer = await callApi<{ detail?: string; stage?: string }>(
      app,
      request,
      ctx,
      'POST',
      `/api/v1/disputes/${encodeURIComponent(id)}/attachments/links`,
      { url: text('url'), ...(text('description') ? { description: text('description') } : {}) },
    );
    if (answer.status === 201) return reply.redirect(`${back}?evidence=added#h-evidence`, 303);
    if (answer.status === 401) return reply.redirect(`/console/login?expired=1&next=${encodeURIComponent(back)}`, 303);
    if (answer.status === 404) throw new AppError('not_found', `no case ${id}`);
    const key = whyKey(answer.status, answer.body?.detail, answer.body?.stage);
    return reply.redirect(`${back}?evidenceFailed=${key}#h-evidence`, 303);
  });

  app.get(DOWNLOAD, { config: { public: true } }, async (request, reply) => {
    const ctx = await signedIn(app, request, reply);
    if (!ctx) return reply;
    const id = caseIdOf(request);
    const attId = (request.params as { attId: string }).attId.toLowerCase();
    if (!/^[0-9a-f-]{36}$/.test(attId)) throw new AppError('not_found', `no attachment ${attId}`);
    // The session's view of the case decides, as on the API: another unit's case is 404.
    const found = await findVisibleCase(app.orm.em.fork(), ctx.user, id);
    const { attachment, stream } = await openAttachment({ orm: app.orm, store: app.attachmentStore }, id, attId);
    const a = shown(lensFor(audienceOf(ctx.user, found), found.state), attachment, found.state);
    return reply
      .header('content-type', a.mediaType)
      .header('content-length', String(a.size))
      .header('content-disposition', contentDisposition(a.name))
      .header('x-evidence-sha256', a.sha256 ?? '')
      .send(stream);
  });
}
