/**
 * The API's part of tracing and log correlation, registered first in api/app.ts: with tracing on,
 * @fastify/otel's spans (one per request, one per route handler; an incoming `traceparent` is
 * honoured); always, the request's id as the current correlation (telemetry/correlation.ts), so
 * that the Temporal client sends it to the workflow and on to the worker's log lines.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { runCorrelated } from './correlation';
import { activeTracing } from './tracing';

function correlate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  runCorrelated({ requestId: String(request.id) }, done);
}

export default fp(
  async (app: FastifyInstance) => {
    const tracing = activeTracing();
    if (tracing) await app.register(tracing.fastify.plugin());
    app.addHook('onRequest', correlate);
    // Again once the body is read: the request stream's events do not keep the context of onRequest.
    app.addHook('preHandler', correlate);
  },
  { name: 'fengqiao-telemetry' },
);
