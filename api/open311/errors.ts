/**
 * GeoReport v2 errors: the spec's list of `{code, description}`, in JSON, or in the spec's XML
 * (`<errors><error><code/><description/></error></errors>`) when the path asks for `.xml`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

export class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const Open311ErrorSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }), {
  description: 'GeoReport v2 errors',
});

export const open311Errors = {
  400: Open311ErrorSchema,
  403: Open311ErrorSchema,
  404: Open311ErrorSchema,
  409: Open311ErrorSchema,
  413: Open311ErrorSchema,
  422: Open311ErrorSchema,
  429: Open311ErrorSchema,
  500: Open311ErrorSchema,
  503: Open311ErrorSchema,
};

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Whether the client asked for the XML format (`….xml`). */
export const wantsXml = (request: FastifyRequest) => /\.xml$/i.test(request.url.split('?')[0]!);

/** Sends the spec's error answer, in the format the path asks for. */
export function sendOpen311Error(request: FastifyRequest, reply: FastifyReply, status: number, description: string) {
  void reply.status(status);
  if (!wantsXml(request)) return reply.type('application/json; charset=utf-8').send([{ code: status, description }]);
  // The route's JSON schema cannot serialise XML: a string body, sent as it is.
  return reply
    .type('text/xml; charset=utf-8')
    .serializer((s: unknown) => s as string)
    .send(
      `<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>${status}</code><description>${xmlEscape(description)}</description></error></errors>\n`,
    );
}
