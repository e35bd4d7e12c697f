import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { maskText } from '../security/pii';

/**
 * An error's text as a span may hold it: the first line, string literals of an inlined statement
 * and double-quoted values (`invalid input syntax for type uuid: "…"`) replaced by `?`, masked, at
 * most 300 characters. MikroORM inlines a statement's values, knex prefixes the statement to the
 * error, and some refusals echo the input back: none of it may reach a trace backend.
 */
export function sanitizedErrorText(message: string): string {
  const line = (message.split('\n')[0] ?? '')
    .replace(/(?:\b[EeXxBbUu]&?)?'(?:[^']|'')*'/g, '?')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"?"');
  const text = maskText(line);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Every span on its way to the exporter, the workflows' included: the status message sanitized and
 * the `exception` events' message and stack trace replaced by the sanitized message (their type is
 * kept). Fastify's spans record no exceptions at all (telemetry/tracing.ts); pg's and Temporal's set
 * the error as the status message.
 */
export class SanitizingProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const hasException = span.events.some((e) => e.name === 'exception');
    if (!span.status.message && !hasException) return this.next.onEnd(span);
    const events = span.events.map((e) =>
      e.name !== 'exception'
        ? e
        : {
            ...e,
            attributes: {
              'exception.type': String(e.attributes?.['exception.type'] ?? 'Error'),
              'exception.message': sanitizedErrorText(String(e.attributes?.['exception.message'] ?? '')),
            },
          },
    );
    const status = span.status.message
      ? { ...span.status, message: sanitizedErrorText(span.status.message) }
      : span.status;
    // A view of the span with the two fields replaced: its getters (duration, dropped counts) still answer.
    this.next.onEnd(Object.create(span, { status: { value: status }, events: { value: events } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
