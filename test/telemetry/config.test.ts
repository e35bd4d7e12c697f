/** Tracing's switch and the standard OpenTelemetry variables (config/telemetry.ts): off unless asked for, bad values named. */
import { parseTelemetryConfig } from '../../config/telemetry';

const parse = (env: Record<string, string>) => {
  const problems: string[] = [];
  return { config: parseTelemetryConfig(env, problems), problems };
};

it('is off by default, on with an OTLP endpoint, and FENGQIAO_TRACING or the SDK variables say otherwise', () => {
  expect(parse({})).toEqual({ config: { tracing: false, protocol: 'http/protobuf' }, problems: [] });
  expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config).toMatchObject({
    tracing: true,
    tracesEndpoint: 'http://collector:4318/v1/traces',
  });
  expect(
    parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/x' }).config
      .tracesEndpoint,
  ).toBe('https://b/x');
  expect(parse({ FENGQIAO_TRACING: 'on' }).config).toMatchObject({ tracing: true, tracesEndpoint: undefined });
  expect(parse({ FENGQIAO_TRACING: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' }).config.tracing).toBe(false);
  expect(parse({ OTEL_SDK_DISABLED: 'true', FENGQIAO_TRACING: 'on' }).config.tracing).toBe(false);
  expect(parse({ OTEL_TRACES_EXPORTER: 'none', FENGQIAO_TRACING: 'on' }).config.tracing).toBe(false);
  expect(parse({ OTEL_SERVICE_NAME: 'fq-api-2', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config).toMatchObject({
    serviceName: 'fq-api-2',
    protocol: 'http/json',
  });
});

it('names each bad value, in Chinese then English', () => {
  const { problems } = parse({
    FENGQIAO_TRACING: 'yes',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_TRACES_SAMPLER: 'sometimes',
    OTEL_TRACES_EXPORTER: 'jaeger',
  });
  expect(problems).toEqual([
    'OTEL_EXPORTER_OTLP_ENDPOINT 须为 http(s) 地址 / OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (got "collector:4317")',
    'FENGQIAO_TRACING 须为 on 或 off / FENGQIAO_TRACING must be on or off (got "yes")',
    expect.stringContaining('OTEL_TRACES_EXPORTER 仅支持 otlp 或 none'),
    expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL 须为 http/protobuf 或 http/json'),
    expect.stringContaining('OTEL_TRACES_SAMPLER 须为'),
  ]);
  expect(parse({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }).problems).toEqual([
    expect.stringContaining('OTEL_TRACES_SAMPLER_ARG 须为 0 到 1 之间的比例'),
  ]);
});
