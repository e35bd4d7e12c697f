/**
 * Everything under /open311: the GeoReport v2 routes (open311.ts) under /v2, uploads as GeoReport
 * clients send them (multipart with a `media` file part), and the spec's error list for what is not
 * there: 404 for an unknown path, 405 (with Allow) for a known path with another method, in JSON, or
 * in XML when the path asks for `.xml` — never HTML or problem+json.
 */
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import open311Routes, { type Open311Options } from './open311';
import { sendOpen311Error } from '../open311/errors';
import { MEDIA_LIMITS } from '../open311/media';
import { cutCodePoints } from '../../domain/text';

// The router cannot be asked which methods a concrete URL has: the paths of open311.ts, by pattern.
const KNOWN_PATHS: Array<{ path: RegExp; methods: string[] }> = [
  { path: /^\/open311\/v2\/services\.(json|xml)$/i, methods: ['GET'] },
  { path: /^\/open311\/v2\/requests\.(json|xml)$/i, methods: ['GET', 'POST'] },
  { path: /^\/open311\/v2\/requests\/[^/]+\.(json|xml)$/i, methods: ['GET'] },
];

const open311Scope: FastifyPluginAsync<Open311Options> = async (app, opts) => {
  // The API may already take multipart (attachments): then its registration serves here too.
  if (!app.hasRequestDecorator('isMultipart')) await app.register(multipart, { limits: MEDIA_LIMITS });

  app.setNotFoundHandler((request, reply) => {
    const path = cutCodePoints(request.url.split('?')[0]!, 200);
    const known = KNOWN_PATHS.find((k) => k.path.test(path));
    if (known && !known.methods.includes(request.method)) {
      void reply.header('allow', known.methods.join(', '));
      return sendOpen311Error(
        request,
        reply,
        405,
        `${path} 不接受 ${request.method}，可用 ${known.methods.join('、')} / method ${request.method} not allowed here: use ${known.methods.join(' or ')}`,
      );
    }
    const hint = /\.xml$/i.test(path)
      ? '（本服务只提供 JSON，请用 .json / this endpoint serves JSON only: use .json）'
      : '';
    return sendOpen311Error(request, reply, 404, `没有此路径 / no such path: ${request.method} ${path}${hint}`);
  });

  await app.register(open311Routes, { ...opts, prefix: '/v2' });
};

export default open311Scope;
