/**
 * Media of an Open311 report: `media_url`, kept as a link (never fetched: the server makes no request
 * to a client-given address), and a `media` file part of a multipart POST, as GeoReport clients upload
 * photos. The multipart body is read before validation (preValidation): its fields become the body the
 * route's schema checks, its one file goes to a temporary file (streamed, size-limited), which is
 * stored as evidence once the case exists (attachments/service.ts), then removed.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { Open311Error } from './errors';

/** One photo, PDF or recording per report, as the spec's single `media` field. */
export const MEDIA_LIMITS = { fileSize: 20 * 1024 * 1024, files: 1, fields: 40, fieldSize: 64 * 1024, parts: 41 };

export interface SavedMedia {
  fileName: string;
  mimeType: string;
  file: string;
  dir: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    open311Media?: SavedMedia;
  }
}

const keyGiven = (request: FastifyRequest, form: Record<string, string>): boolean =>
  !!form.api_key ||
  /^Bearer\s+\S+$/i.test(request.headers.authorization ?? '') ||
  !!(request.query as { api_key?: string } | undefined)?.api_key;

/** busboy's words for a body that is not a well-formed multipart form. */
const MALFORMED = /boundary|multipart|unexpected end of form|malformed/i;

/**
 * preValidation: a multipart report's text fields become `request.body`; its `media` part is saved
 * to a temporary file. Any other file part, or a second one, is refused.
 */
export async function readMultipartReport(
  request: FastifyRequest,
  /** Refuses (403) a request without a valid key: checked before any byte of a file is written. */
  checkKey: (request: FastifyRequest) => Promise<unknown> = async () => undefined,
): Promise<void> {
  if (!request.isMultipart?.()) return;
  const form: Record<string, string> = {};
  try {
    for await (const part of request.parts({ limits: MEDIA_LIMITS })) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string') throw new Open311Error(400, `${part.fieldname} must be text`);
        form[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'media' || request.open311Media) throw oneFile(part.fieldname);
      // A key already given (query, Bearer header, or a field before the file) is checked first: a
      // wrong one writes nothing. Clients may also send the key after the file; the handler checks it then.
      request.body = form;
      if (keyGiven(request, form)) await checkKey(request);
      const dir = await mkdtemp(path.join(tmpdir(), 'fq-open311-'));
      // The client's file name is kept as a label only; the temporary file has a name of ours.
      const saved = {
        fileName: cut(path.basename(part.filename || 'media')),
        mimeType: part.mimetype,
        file: path.join(dir, 'media'),
        dir,
      };
      request.open311Media = saved;
      await pipeline(part.file, createWriteStream(saved.file, { flags: 'wx' }));
    }
  } catch (err) {
    await discardMedia(request);
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new Open311Error(
        413,
        `media 超过 ${MEDIA_LIMITS.fileSize / 1048576} MB / media is larger than ${MEDIA_LIMITS.fileSize / 1048576} MB`,
      );
    if (code === 'FST_FILES_LIMIT') throw oneFile('media');
    // The form parser's own refusals (no boundary, a malformed part) are the client's, not a 500.
    if (code?.startsWith('FST_') || (!(err instanceof Open311Error) && MALFORMED.test((err as Error).message)))
      throw new Open311Error(400, `multipart 表单无效 / the multipart form is not valid: ${(err as Error).message}`);
    throw err;
  }
  request.body = form;
}

/** Removes the temporary copy of an upload (onResponse, and on errors). */
export async function discardMedia(request: FastifyRequest): Promise<void> {
  const saved = request.open311Media;
  if (!saved) return;
  request.open311Media = undefined;
  await rm(saved.dir, { recursive: true, force: true });
}

/** Why a `media_url` is not kept: only absolute http(s) URLs without credentials. */
export function mediaUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'media_url 须为完整网址 / media_url must be an absolute URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'media_url 须为 http(s) 网址 / media_url must be an http(s) URL';
  if (parsed.username || parsed.password) return 'media_url 不得含用户名或密码 / media_url must not carry credentials';
  return undefined;
}

const oneFile = (got: string) =>
  new Open311Error(400, `只接受一个名为 media 的文件 / one file part, named media, is accepted (got ${cut(got)})`);
const cut = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s);
