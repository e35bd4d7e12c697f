/**
 * Evidence on a case (issue 22): upload a file (multipart, streamed: never held whole), keep a link,
 * list, download. Who may see follows the case (outside the caller's view: 404); names and texts as
 * the personal-data table shows them to the caller (security/visibility.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Dispute } from '../../db/entities';
import type { AttachmentStore } from '../../storage/attachment-store';
import { eventActorFor, lensFor, type Lens } from '../../security/visibility';
import type { DisputeView } from '../../domain/types';
import {
  addAttachment,
  addEvidenceLink,
  listAttachments,
  openAttachment,
  type AttachmentView,
} from '../../attachments/service';
import { audienceOf, checkMayActOn } from '../case-access';
import { findVisibleCase, findVisibleCaseHead } from '../disputes-repository';
import { AppError } from '../errors';
import { actorOf, principalOf, type Principal } from '../plugins/auth';
import { problemRef, standardErrors } from '../schemas/common';

export interface AttachmentRouteOptions {
  store: AttachmentStore;
  limits: { maxBytes: number; maxPerCase: number };
}

const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) });
const AttParams = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
  attId: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }),
});

export const AttachmentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    disputeId: Type.String(),
    kind: Type.Union([Type.Literal('file'), Type.Literal('link')]),
    name: Type.String(),
    mediaType: Type.String({ description: 'Told by the content (magic numbers), not by the name' }),
    size: Type.Integer(),
    sha256: Type.Optional(
      Type.String({ description: 'SHA-256 of the stored bytes, as recorded in the evidence_added event' }),
    ),
    url: Type.Optional(Type.String({ description: 'A link kept as evidence (never fetched by the server)' })),
    description: Type.Optional(Type.String()),
    source: Type.String({ description: 'staff | integrator | party | open311 | public_form' }),
    uploadedBy: Type.Object({
      id: Type.String(),
      name: Type.String({ description: "A party's name masked for readers outside the unit (docs/security.md)" }),
      role: Type.String(),
      partyIndex: Type.Optional(Type.Integer()),
    }),
    keptLocation: Type.Boolean({ description: 'The uploader kept the photo’s location metadata' }),
    createdAt: Type.String({ format: 'date-time' }),
    eventSeq: Type.Optional(Type.Integer()),
  },
  { $id: 'Attachment' },
);

/** An attachment as `lens` shows it: a party's name masked where names are (as in the events), texts as free text. */
export function shown(lens: Lens, a: AttachmentView, state: Pick<DisputeView, 'parties' | 'reporter'>): AttachmentView {
  if (lens.full) return a;
  return {
    ...a,
    name: lens.text(a.name),
    ...(a.description ? { description: lens.text(a.description) } : {}),
    ...(a.url ? { url: lens.text(a.url) } : {}),
    uploadedBy: eventActorFor(lens.audience, state, a.uploadedBy),
  };
}

async function lensOf(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  p: Principal,
  id: string,
): Promise<{ lens: Lens; state: DisputeView }> {
  const found: Dispute = await findVisibleCase(app.orm.em.fork(), p, id);
  return { lens: lensFor(audienceOf(p, found), found.state), state: found.state };
}
const shownTo = ({ lens, state }: { lens: Lens; state: DisputeView }, a: AttachmentView) => shown(lens, a, state);

/** RFC 6266/5987: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const truthy = (v: unknown) => v === 'true' || v === 'on' || v === '1' || v === true;

const attachments: FastifyPluginAsyncTypebox<AttachmentRouteOptions> = async (app, opts) => {
  // Multipart in this plugin only; one file per request, read as a stream. Busboy stops one byte past
  // the limit, which the intake's own counter answers with 413.
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: opts.limits.maxBytes + 1, files: 1, fields: 4, fieldSize: 8 * 1024, parts: 6, headerPairs: 50 },
  });
  app.addSchema(AttachmentSchema);
  const deps = () => ({ orm: app.orm, store: opts.store, temporal: app.temporal, limits: opts.limits });

  app.post(
    '/disputes/:id/attachments',
    {
      // The file streams through; the JSON body limit does not apply to it.
      bodyLimit: opts.limits.maxBytes + 64 * 1024,
      schema: {
        tags: ['attachments'],
        summary: 'Attach a file as evidence (证据材料)',
        description:
          'multipart/form-data with the fields `keepLocation` (true keeps a photo’s GPS metadata; default: removed) and ' +
          '`description`, sent BEFORE the part `file` (or as query parameters, the description then at most 500 characters). Photos (JPEG, PNG, WebP, GIF, HEIC), PDFs and ' +
          'audio (MP3, M4A/AAC, AMR, WAV, OGG), told by the content: anything else 415; larger than the limit (10 MB by ' +
          'default) 413; a case at its count limit (30 by default) or closed 409. The SHA-256 of the stored bytes is recorded ' +
          'in the case’s `evidence_added` event.',
        consumes: ['multipart/form-data'],
        params: IdParams,
        querystring: Type.Object({
          keepLocation: Type.Optional(Type.Boolean()),
          // Shorter in the URL than as a field (2000): an address past 16 KB is refused by Node itself (431).
          description: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { ...standardErrors, 201: Type.Ref('Attachment'), 409: problemRef, 413: problemRef, 415: problemRef },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const id = request.params.id;
      const head = await findVisibleCaseHead(app.orm.em.fork(), principal, id);
      checkMayActOn(principal, head, 'attach-evidence');
      if (!request.isMultipart())
        throw new AppError(
          'validation_failed',
          '请以 multipart/form-data 上传文件 / send the file as multipart/form-data',
        );
      let keepLocation = request.query.keepLocation === true;
      let description = request.query.description;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === 'keepLocation') keepLocation = truthy(part.value);
          if (part.fieldname === 'description' && typeof part.value === 'string') description = part.value;
          continue;
        }
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        const view = await addAttachment(deps(), {
          disputeId: id,
          actor: actorOf(principal),
          source: principal.kind === 'integrator' ? 'integrator' : 'staff',
          fileName: part.filename,
          stream: part.file,
          keepLocation,
          description,
        });
        reply.code(201).header('location', `/api/v1/disputes/${id}/attachments/${view.id}`);
        return shownTo(await lensOf(app, principal, id), view);
      }
      throw new AppError('validation_failed', '缺少文件（字段 file）/ no file (part `file`)', {
        errors: [{ path: 'body/file', message: 'required' }] as never,
      });
    },
  );

  app.post(
    '/disputes/:id/attachments/links',
    {
      schema: {
        tags: ['attachments'],
        summary: 'Keep a link as evidence',
        description:
          'The address is recorded as given and never fetched by the server. http(s) only, without credentials.',
        params: IdParams,
        body: Type.Object(
          {
            url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Attachment'), 409: problemRef, ...standardErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const id = request.params.id;
      const head = await findVisibleCaseHead(app.orm.em.fork(), principal, id);
      checkMayActOn(principal, head, 'attach-evidence');
      const view = await addEvidenceLink(deps(), {
        disputeId: id,
        actor: actorOf(principal),
        url: request.body.url,
        source: principal.kind === 'integrator' ? 'integrator' : 'staff',
        description: request.body.description,
      });
      reply.code(201);
      return shownTo(await lensOf(app, principal, id), view);
    },
  );

  app.get(
    '/disputes/:id/attachments',
    {
      schema: {
        tags: ['attachments'],
        summary: "The case's evidence, first to last",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Attachment')) }), ...standardErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const seen = await lensOf(app, principal, request.params.id);
      const items = await listAttachments(app.orm, request.params.id);
      return { items: items.map((a) => shownTo(seen, a)) };
    },
  );

  app.get(
    '/disputes/:id/attachments/:attId',
    {
      schema: {
        tags: ['attachments'],
        summary: 'Download one file (streamed)',
        description:
          'The stored bytes with the Content-Type told by their content, `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`.',
        params: AttParams,
        response: {
          200: { description: 'The file', type: 'string', format: 'binary' } as never,
          ...standardErrors,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const seen = await lensOf(app, principal, request.params.id);
      const { attachment, stream } = await openAttachment(
        { orm: app.orm, store: opts.store },
        request.params.id,
        request.params.attId.toLowerCase(),
      );
      const a = shownTo(seen, attachment);
      reply
        .header('content-type', a.mediaType)
        .header('content-length', String(a.size))
        .header('content-disposition', contentDisposition(a.name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('x-evidence-sha256', a.sha256 ?? '');
      return reply.send(stream);
    },
  );
};

export default attachments;
