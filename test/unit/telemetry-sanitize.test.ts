/**
 * What leaves the process in traces and request logs (issue 23's security review): no party link
 * token, no query value but plain ones, no SQL values or echoed input in an error's text.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { safeRequestUrl } from '../../security/safe-url';
import { SanitizingProcessor, sanitizedErrorText } from '../../telemetry/sanitizing-processor';

const PHONE = '13800001111';
const KNEX_ERROR = `insert into "disputes" ("id", "title", "state") values ('a1', '张三与李四噪音纠纷', '{"phone":"${PHONE}"}') - invalid input syntax for type uuid: "${PHONE}"\n    at Parser.parseErrorMessage (…)`;

describe('request URLs in logs and spans', () => {
  it.each([
    ['/p/Zk3vQ9sLmN2xT8wR', '/p/[redacted]'],
    ['/p/sign/Zk3vQ9sLmN2xT8wR.sig', '/p/sign/[redacted]'],
    ['/p/status/Zk3vQ9sLmN2xT8wR', '/p/status/[redacted]'],
    ['/p/login', '/p/login'],
    ['/p/sign/confirm', '/p/sign/confirm'],
    ['/p/case?done=rated', '/p/case?done=rated'],
    [
      `/api/v1/admin/personal-data?phone=${PHONE}&name=%E5%BC%A0%E4%B8%89`,
      '/api/v1/admin/personal-data?phone=[redacted]&name=[redacted]',
    ],
    ['/open311/v2/requests.json?api_key=k-123&status=open', '/open311/v2/requests.json?api_key=[redacted]&status=open'],
    ['/api/v1/disputes/9/documents/intake?format=pdf', '/api/v1/disputes/9/documents/intake?format=pdf'],
  ])('%s → %s', (url, expected) => expect(safeRequestUrl(url)).toBe(expected));
});

describe("an error's text in a span", () => {
  it('keeps the statement shape and the error, never the values', () => {
    const text = sanitizedErrorText(KNEX_ERROR);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('张三');
    expect(text).not.toContain('Parser.parseErrorMessage');
    expect(text).toContain('invalid input syntax for type uuid');
    expect(text).toContain('insert into "?"');
  });

  it('reaches the exporter sanitized: status message and exception events', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SanitizingProcessor(new SimpleSpanProcessor(exporter))],
    });
    const span = provider.getTracer('test').startSpan('pg.query:INSERT');
    span.recordException(new Error(KNEX_ERROR));
    span.setStatus({ code: 2, message: KNEX_ERROR });
    span.end();
    await provider.forceFlush();
    const [out] = exporter.getFinishedSpans();
    const exported = JSON.stringify({ status: out!.status, events: out!.events });
    expect(exported).not.toContain(PHONE);
    expect(exported).not.toContain('张三');
    expect(exported).not.toContain('exception.stacktrace');
    expect(out!.status.message).toContain('invalid input syntax for type uuid');
    expect(out!.events[0]!.attributes!['exception.type']).toBe('Error');
    // The view still answers what exporters read of a span.
    expect(out!.duration[0] + out!.duration[1]).toBeGreaterThanOrEqual(0);
    expect(out!.spanContext().traceId).toBe(span.spanContext().traceId);
    await provider.shutdown();
  });
});
