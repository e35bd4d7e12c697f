/**
 * What every answer carries, whatever route or refusal produced it, and what the API believes about
 * the client behind a reverse proxy (issue 20, "behind a proxy"):
 * - the request id: a well-formed incoming `X-Request-Id` is the request's id (else one is made),
 *   echoed on every answer, on every log line of the request and in every problem+json body;
 * - security headers (@fastify/helmet): nosniff, no framing, no referrer, a CSP that allows nothing
 *   (pages set their own: the console, the board, documents, the API docs), and HSTS when the
 *   request came over TLS (directly, or as a trusted proxy says with X-Forwarded-Proto);
 * - `Cache-Control: no-store` on every answer that does not set its own (case JSON, lists,
 *   documents, alerts, pages: personal data never lands in a shared or browser cache).
 * Which proxies are believed is Fastify's `trustProxy` (TRUST_PROXY), set where the app is built.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL: the API's address as people reach it (links in documents; https means Secure cookies). */
    publicUrl: string;
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';
/** What an incoming request id may be: short, and nothing a log line or a header could be bent with. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$/;

/** Fastify's genReqId: the caller's X-Request-Id when well-formed (one header, ≤ 128 safe characters), else a UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/**
 * TRUST_PROXY as Fastify's trustProxy. Fastify 5 treats a bare number as "trust nothing" (a hop count
 * cannot tell the proxy from a client that reached the API directly and wrote the headers itself),
 * so a hop count is given as proxy-addr's own rule: the `hops` nearest addresses are proxies. That
 * is only safe when the API cannot be reached but through those proxies: prefer their addresses.
 */
export function trustProxyOption(
  value: false | number | string[] | undefined,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value ?? false;
}

/** HSTS for two years, sent only on answers that went out over TLS (a browser ignores it over http anyway). */
const HSTS = 'max-age=63072000; includeSubDomains';

/** JSON and everything without a page of its own: nothing may load, nothing may frame it. */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** The API docs (Swagger UI at /docs): its own scripts, styles (it sets inline ones) and images, and /docs/json. */
export const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Whether cookies set for this request must be `Secure`: it came over TLS, or people reach the API over https. */
export function servedSecurely(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.server.publicUrl.startsWith('https:');
}

/**
 * The headers of this plugin for answers that bypass Fastify's hooks (Fastify's `frameworkErrors`:
 * a URL it cannot parse), set on the raw response so that hijacked replies (the alert stream) keep them.
 */
export function edgeHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
  reply.raw.setHeader('cache-control', 'no-store');
  if (request.protocol === 'https') reply.raw.setHeader('strict-transport-security', HSTS);
}

export default fp<{ publicUrl: string }>(
  async (app, opts) => {
    app.decorate('publicUrl', opts.publicUrl);
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
      strictTransportSecurity: false, // per request, below
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    });
    // On the raw response: a route's own Cache-Control (static files, the board) replaces this one.
    app.addHook('onRequest', async (request, reply) => edgeHeaders(request, reply));
    // Every problem+json answer names the request, whoever made it (error handler, 404, rate limiter).
    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('application/problem+json') && isObject(payload))
        return { ...payload, requestId: request.id };
      return payload;
    });
  },
  { name: 'edge' },
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
