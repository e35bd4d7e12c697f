/**
 * The webhooks in the OpenAPI document (OpenAPI 3.1's top-level `webhooks`, passed through by
 * @fastify/swagger 9): one entry per event type and the test event `ping`, each with its payload
 * schema (components/schemas) and the headers every delivery carries (components/parameters), and
 * the words that explain signing, retries and the refusal of private addresses. The payload is the
 * one activities/webhooks.ts `deliveriesSql` enqueues and `deliverWebhook` sends; the headers are
 * activities/signed-post.ts `signedPost`'s.
 */
import { Type } from '@sinclair/typebox';
import type { OpenAPIV3_1 } from 'openapi-types';
import { PING_EVENT } from '../activities/webhooks';
import { LEVELS, OUTCOMES, STAGES } from '../domain/lifecycle';
import { stringEnum } from '../domain/schema';
import { EVENT_TYPES, TEST_DELIVERIES_PER_MINUTE } from './routes/webhooks';
import { VERIFY_SNIPPET } from './webhook-snippet';

/** The case as a delivery names it: no personal data (read the case through the API). */
const WebhookDispute = Type.Object(
  {
    id: Type.String({ description: 'The case id (GET /api/v1/disputes/{id})' }),
    caseNumber: Type.Optional(
      Type.String({ description: 'The case number, once registered', examples: ['（2026）渔人调受字第1号'] }),
    ),
    stage: stringEnum(STAGES, { description: 'The stage after the event' }),
    outcome: Type.Optional(stringEnum(OUTCOMES, { description: 'How it ended, on a closed case' })),
    unitCode: Type.Optional(Type.String({ description: 'The unit holding the case' })),
    level: stringEnum(LEVELS, { description: 'The level of the unit holding the case' }),
  },
  { additionalProperties: false },
);

const CASE_EVENTS = EVENT_TYPES.filter((e) => e !== '*');

const WebhookEvent = Type.Object(
  {
    deliveryId: Type.String({
      description: 'The delivery: the same on every retry of it (drop one already processed)',
    }),
    type: stringEnum(CASE_EVENTS, { description: 'The event type (also the X-Fengqiao-Event header)' }),
    seq: Type.Integer({
      minimum: 1,
      description: "The event's number in the case's history (GET /api/v1/disputes/{id}/events)",
    }),
    at: Type.String({ format: 'date-time', description: 'When the event happened' }),
    dispute: WebhookDispute,
  },
  { additionalProperties: false, description: 'A case event, as POSTed to a subscription' },
);

const WebhookPing = Type.Object(
  {
    deliveryId: Type.String(),
    type: Type.Literal(PING_EVENT),
    seq: Type.Literal(0),
    at: Type.String({ format: 'date-time', description: 'When the test was asked for' }),
    subscriptionId: Type.String({ description: 'The subscription tested' }),
    test: Type.Literal(true),
  },
  { additionalProperties: false, description: 'A test delivery (POST /api/v1/webhooks/{id}/test): no case' },
);

/** A plain JSON copy (TypeBox's symbols dropped), for the document. */
const json = (schema: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(schema));

export const WEBHOOK_HEADERS = {
  'X-Fengqiao-Timestamp': {
    description:
      'Unix time in seconds when this attempt was sent (each retry has its own). Reject a delivery whose timestamp is more than 5 minutes old (a replay).',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$', examples: ['1796544000'] },
  },
  'X-Fengqiao-Signature': {
    description:
      '`sha256=` and the lowercase hex HMAC-SHA256, keyed with the subscription\'s secret (`whsec_…`, shown once when subscribing), of the timestamp header, a full stop, and the raw request body: `HMAC(secret, "<X-Fengqiao-Timestamp>.<body>")`. Compute it over the bytes received, before parsing the JSON.',
    schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
  },
  'X-Fengqiao-Delivery': {
    description: 'The delivery id (also `deliveryId` in the body): the same on every retry of one delivery.',
    schema: { type: 'string' },
  },
  'X-Fengqiao-Event': {
    description: 'The event type (also `type` in the body); `ping` for a test delivery.',
    schema: { type: 'string' },
  },
  'User-Agent': {
    description: 'Always `Fengqiao-Webhooks/1`.',
    schema: { type: 'string', const: 'Fengqiao-Webhooks/1' },
  },
} as const;

const parameterKey = (header: string) => `Webhook${header.replace(/-/g, '')}`;

/** The rule on targets, in the words of docs/api.md (activities/signed-post.ts `refusedTarget`, security/addresses.ts). */
export const PRIVATE_ADDRESS_RULE =
  "Private addresses are refused (no SSRF into the operator's network): a webhook URL must be `http` or `https` without " +
  'credentials in it, and must not resolve to a loopback, private, shared, link-local (cloud metadata, 169.254.169.254), ' +
  'unique-local, multicast or otherwise reserved address — an IPv6 form that carries an IPv4 address (::ffff:127.0.0.1, ' +
  '64:ff9b::…, 2002:…) is judged by that IPv4 address. Subscribing to such a URL answers 400 `validation_failed` ' +
  '(`body/url`). The check is made again by the connection itself at every delivery and test delivery, on the address ' +
  'actually dialled, so a name that later resolves to such an address (DNS rebinding) gets nothing: the delivery is ' +
  'logged failed, the test answers 400. Redirects are not followed. `WEBHOOK_ALLOW_PRIVATE=true` lifts the rule, for tests only.';

export const WEBHOOKS_TAG_DESCRIPTION =
  'Signed POSTs of case events to your URL (see the `webhooks` section of this document for each payload and its headers). ' +
  'Any 2xx answer is success; anything else is retried with exponential backoff, then logged failed. Delivery is at least once. ' +
  PRIVATE_ADDRESS_RULE;

/** The section of the API's description on webhooks, with the receiver's check. */
export const WEBHOOKS_DESCRIPTION = [
  '## Webhooks',
  '',
  "Each delivery is a JSON `POST` (see **Webhooks** below for every event's payload). Headers: " +
    Object.entries(WEBHOOK_HEADERS)
      .map(([name, h]) => `\`${name}\`: ${h.description}`)
      .join(' '),
  '',
  `Test a subscription with \`POST /api/v1/webhooks/{id}/test\` (a signed \`ping\`, ${TEST_DELIVERIES_PER_MINUTE} per minute).`,
  '',
  PRIVATE_ADDRESS_RULE,
  '',
  'Verify every delivery before trusting it (Node.js, TypeScript; the same in docs/webhooks.md):',
  '',
  '```ts',
  VERIFY_SNIPPET.trimEnd(),
  '```',
].join('\n');

function webhookOperation(event: string, schemaRef: string, summary: string): OpenAPIV3_1.PathItemObject {
  return {
    post: {
      tags: ['webhooks'],
      summary,
      description: `${
        event === PING_EVENT
          ? 'Sent to one subscription when its owner asks for a test (`POST /api/v1/webhooks/{id}/test`), whatever its `events`; tried once.'
          : `Sent to the subscriptions whose \`events\` include \`${event}\` or \`*\`, for the cases their owner reported.`
      } Signed: verify X-Fengqiao-Signature and X-Fengqiao-Timestamp first.`,
      parameters: Object.keys(WEBHOOK_HEADERS).map((h) => ({ $ref: `#/components/parameters/${parameterKey(h)}` })),
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema:
              event === PING_EVENT
                ? { $ref: schemaRef }
                : { allOf: [{ $ref: schemaRef }, { type: 'object', properties: { type: { const: event } } }] },
          },
        },
      },
      responses: {
        '2XX': { description: 'Received: the delivery is logged delivered' },
        default: { description: 'Anything else (or no answer within 10 s): retried with backoff, then logged failed' },
      },
    },
  };
}

/** The pieces of the OpenAPI document: `webhooks`, and what goes into `components`. */
export function webhookOpenApi() {
  const webhooks: Record<string, OpenAPIV3_1.PathItemObject> = {};
  for (const event of CASE_EVENTS)
    webhooks[event] = webhookOperation(event, '#/components/schemas/WebhookEvent', `Case event \`${event}\``);
  webhooks[PING_EVENT] = webhookOperation(PING_EVENT, '#/components/schemas/WebhookPing', 'Test delivery `ping`');
  const parameters = Object.fromEntries(
    Object.entries(WEBHOOK_HEADERS).map(([name, h]) => [
      parameterKey(name),
      { name, in: 'header', required: true, description: h.description, schema: h.schema },
    ]),
  );
  return {
    webhooks,
    parameters,
    schemas: { WebhookEvent: json(WebhookEvent), WebhookPing: json(WebhookPing) },
  };
}
