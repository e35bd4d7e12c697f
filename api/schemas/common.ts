import { Type, type Static } from '@sinclair/typebox';
import { CODE_PATTERN, stringEnum } from '../../domain/schema';

export { CODE_PATTERN, stringEnum };

/** RFC 9457 problem details, with the extensions this API adds. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ examples: ['/problems/action-refused'] }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    requestId: Type.Optional(
      Type.String({ description: 'The request id (also the X-Request-Id header): quote it when reporting a problem' }),
    ),
    stage: Type.Optional(Type.String({ description: 'The case stage when an action was refused' })),
    allowed: Type.Optional(Type.Array(Type.String(), { description: 'The actions the case allows now' })),
    reason: Type.Optional(
      Type.String({ description: 'Why a valid request was refused, as a stable code (e.g. meeting_in_past)' }),
    ),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Values the reason refers to (a limit, a date)' }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          message: Type.String(),
          code: Type.Optional(
            Type.String({
              description: 'What is wrong with the field, as a stable code (required, minimum, in_past…)',
            }),
          ),
          params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'e.g. {limit: 1}' })),
        }),
        { description: 'Each invalid field, as a JSON pointer into the request' },
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);
export type Problem = Static<typeof ProblemSchema>;

/**
 * An error answer as the API sends it: `application/problem+json` (api/plugins/errors.ts), so the
 * OpenAPI document names that media type, not application/json. Fastify serializes by the reply's
 * content type with the schema of that media type.
 */
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
});

export const problemRef = problem('Problem details (RFC 9457)');

/** The error answers every authenticated route can give. */
export const standardErrors = {
  400: problem('The request is not valid (problem+json, with `errors` naming each field)'),
  401: problem('No credentials, or unknown, revoked or expired ones'),
  403: problem("The caller's role or area does not allow this"),
  404: problem("Not found, or outside the caller's area"),
  // A body the schema allows can still be over the body limit once JSON-escaped (up to 12 bytes a character).
  413: problem('The request body is too large (routes that take one)'),
  429: problem('Too many requests: retry after the `Retry-After` seconds'),
  500: problem('Internal error (no details are given)'),
  503: problem('A service this request needs did not answer in time: retry'),
};
