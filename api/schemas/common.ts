import { Type, type Static } from '@sinclair/typebox';

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

export const problemRef = Type.Ref('Problem');

/** The error answers every authenticated route can give. */
export const standardErrors = {
  400: problemRef,
  401: problemRef,
  403: problemRef,
  404: problemRef,
  429: problemRef,
  500: problemRef,
  503: problemRef,
};

export const CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
