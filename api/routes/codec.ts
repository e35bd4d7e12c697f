/**
 * The codec endpoint (Temporal's codec-server protocol) for the Temporal UI and CLI: Temporal holds
 * every payload encrypted (temporal/codec.ts), and an administrator reads a case's history in clear
 * by pointing the UI or `temporal workflow show --codec-endpoint` here. Administrators only: the
 * history holds every party's personal data, which no other role sees whole.
 *
 *   POST /codec/decode, POST /codec/encode
 *   {"payloads":[{"metadata":{"encoding":"<base64>", …},"data":"<base64>"}]}  (protobuf JSON: bytes in base64)
 *
 * The answer has the same shape. The payloads go through the API's own Temporal client's codecs, the
 * ones the worker encodes with. `X-Namespace`, when sent, must be the API's namespace. A page of a
 * CODEC_CORS_ORIGINS origin (the Temporal UI's) may call it with the caller's credentials: a bearer
 * staff token, or the console's session cookie ("include cross-origin credentials" in the UI's codec
 * settings); both routes change nothing.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { AppError } from '../errors';
import { requireAdmin } from '../plugins/auth';
import { standardErrors } from '../schemas/common';

const BASE64 = '^[A-Za-z0-9+/_-]*={0,2}$';
const PayloadJson = Type.Object({
  metadata: Type.Optional(
    Type.Record(Type.String({ maxLength: 256 }), Type.String({ pattern: BASE64, maxLength: 65_536 }), {
      maxProperties: 32,
    }),
  ),
  data: Type.Optional(Type.String({ pattern: BASE64, maxLength: 8 * 1024 * 1024 })),
});
// proto3 JSON leaves an empty list out: the CLI sends `{}` for no payloads.
const Payloads = Type.Object(
  { payloads: Type.Optional(Type.Array(PayloadJson, { maxItems: 2000 })) },
  {
    additionalProperties: false,
    examples: [{ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] }],
  },
);
type PayloadsJson = Static<typeof Payloads>;

const PROTO = temporal.api.common.v1.Payload;
const fromJson = (p: Static<typeof PayloadJson>): Payload => {
  const m = PROTO.fromObject(p);
  return { metadata: m.metadata, data: m.data };
};
const toJson = (p: Payload): Static<typeof PayloadJson> =>
  PROTO.toObject(PROTO.fromObject(p), { bytes: String }) as Static<typeof PayloadJson>;

const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

const codecRoutes: FastifyPluginAsyncTypebox<{ corsOrigins: string[] }> = async (app, { corsOrigins }) => {
  const codecs = app.temporal.options.loadedDataConverter.payloadCodecs;
  const namespace = app.temporal.options.namespace;

  // CORS for the Temporal UI's origins, on every answer of these routes (refusals included, so the UI can show them).
  const cors = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = request.headers.origin;
    if (!origin || !corsOrigins.includes(origin)) return false;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    return true;
  };
  app.addHook('onSend', async (request, reply) => {
    cors(request, reply);
    reply.header('vary', 'Origin');
  });

  const run =
    (direction: 'encode' | 'decode') =>
    async (request: FastifyRequest): Promise<PayloadsJson> => {
      const asked = request.headers['x-namespace'];
      if (asked !== undefined && asked !== namespace) {
        throw new AppError(
          'validation_failed',
          `此编解码端点只服务命名空间 ${namespace} / this codec endpoint serves namespace ${namespace} only`,
        );
      }
      let payloads: Payload[];
      try {
        payloads = ((request.body as PayloadsJson).payloads ?? []).map(fromJson);
      } catch {
        throw new AppError(
          'validation_failed',
          '载荷不是有效的 protobuf JSON / the payloads are not valid protobuf JSON',
        );
      }
      try {
        // Encoding runs the codecs in order, decoding in reverse, as the SDK does.
        if (direction === 'encode') for (const codec of codecs) payloads = await codec.encode(payloads);
        else for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      } catch (err) {
        request.log.warn({ err }, `codec ${direction} failed`);
        throw new AppError('validation_failed', err instanceof Error ? err.message : `codec ${direction} failed`);
      }
      return { payloads: payloads.map(toJson) };
    };

  for (const direction of ['decode', 'encode'] as const) {
    app.post(
      `/codec/${direction}`,
      {
        bodyLimit: 16 * 1024 * 1024,
        config: { readsWithSession: true },
        preHandler: requireAdmin,
        schema: {
          tags: ['operations'],
          summary:
            direction === 'decode'
              ? 'Decode (decrypt) Temporal payloads for the Temporal UI and CLI (administrators)'
              : 'Encode (encrypt) Temporal payloads for the Temporal UI and CLI (administrators)',
          description:
            "Temporal's codec-server protocol: protobuf JSON payloads in, the same shape out. A bearer staff token of an administrator, or the console's session cookie.",
          headers: Type.Object({ 'x-namespace': Type.Optional(Type.String({ maxLength: 256 })) }),
          body: Payloads,
          response: { 200: Payloads, ...standardErrors },
        },
      },
      run(direction),
    );
    app.options(
      `/codec/${direction}`,
      {
        config: { public: true },
        schema: {
          tags: ['operations'],
          summary: `CORS preflight of /codec/${direction} (CODEC_CORS_ORIGINS)`,
          security: [],
          response: { 204: Type.Null({ description: 'Allowed methods and headers, for an allowed origin' }) },
        },
      },
      async (request, reply) => {
        if (cors(request, reply)) {
          reply.header('access-control-allow-methods', 'POST');
          reply.header('access-control-allow-headers', ALLOWED_HEADERS);
          reply.header('access-control-max-age', '600');
        }
        return reply.status(204).send(null);
      },
    );
  }
};

export default codecRoutes;
