import { Kind, Type, TypeRegistry, type Static, type TUnsafe } from '@sinclair/typebox';

const STRING_ENUM = 'StringEnum';
// TypeBox's own checks (Value.Check, used by scripts) learn the kind; Fastify validates with Ajv.
if (!TypeRegistry.Has(STRING_ENUM)) {
  TypeRegistry.Set(STRING_ENUM, (schema: { enum: string[] }, value) => typeof value === 'string' && schema.enum.includes(value));
}

/**
 * One of a list of strings, as JSON Schema's `enum` (TypeBox's README, "Unsafe"): not a union of
 * literals, whose `anyOf` fast-json-stringify serializes by trying each alternative with Ajv (a
 * case's `allowedActions` cost more to answer than the rest of it), and whose errors list every
 * alternative instead of saying once which values are allowed.
 */
export const stringEnum = <T extends string>(values: readonly T[], opts: object = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ [Kind]: STRING_ENUM, type: 'string', enum: [...values], ...opts });

/** RFC 9457 problem details, with the extensions this API adds. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ examples: ['/problems/action-refused'] }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    stage: Type.Optional(Type.String({ description: 'The case stage when an action was refused' })),
    allowed: Type.Optional(Type.Array(Type.String(), { description: 'The actions the case allows now' })),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'Each invalid field, as a JSON pointer into the request',
      }),
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
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Type.Ref('Problem') } } });

export const problemRef = problem('Problem details (RFC 9457)');

/** The error answers every authenticated route can give. */
export const standardErrors = {
  400: problem('The request is not valid (problem+json, with `errors` naming each field)'),
  401: problem('No credentials, or unknown, revoked or expired ones'),
  403: problem("The caller's role or area does not allow this"),
  404: problem('Not found, or outside the caller\'s area'),
  // A body the schema allows can still be over the body limit once JSON-escaped (up to 12 bytes a character).
  413: problem('The request body is too large (routes that take one)'),
  429: problem('Too many requests: retry after the `Retry-After` seconds'),
  500: problem('Internal error (no details are given)'),
  503: problem('A service this request needs did not answer in time: retry'),
};

export const CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
