/**
 * Tracing's configuration from the environment (telemetry/tracing.ts reads it at start; config/env.ts
 * reports its problems). Off by default. The standard OpenTelemetry variables, as the SDK reads them:
 * - FENGQIAO_TRACING=on|off: on and off force it; unset, tracing is on when an OTLP endpoint is set;
 * - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the whole URL, e.g. http://collector:4318/v1/traces) or
 *   OTEL_EXPORTER_OTLP_ENDPOINT (a base URL, /v1/traces appended); neither: http://localhost:4318/v1/traces;
 * - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or
 *   http/json (grpc is not shipped: use a collector's HTTP port, 4318);
 * - OTEL_SERVICE_NAME (default fengqiao-api, fengqiao-worker, or fengqiao for `npm start`),
 *   OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, OTEL_EXPORTER_OTLP_HEADERS;
 * - OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it off as the SDK's users expect.
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TelemetryConfig {
  tracing: boolean;
  /** Where spans go (OTLP over HTTP); undefined: the exporter's default (http://localhost:4318/v1/traces). */
  tracesEndpoint?: string;
  protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME; undefined: the process's default (fengqiao-api, fengqiao-worker, fengqiao). */
  serviceName?: string;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

export function parseTelemetryConfig(env: NodeJS.ProcessEnv, problems: string[]): TelemetryConfig {
  const url = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    try {
      const u = new URL(raw);
      if (u.protocol === 'http:' || u.protocol === 'https:') return raw;
    } catch {
      // reported below
    }
    problems.push(`${name} 须为 http(s) 地址 / ${name} must be an http(s) URL (got "${raw}")`);
    return undefined;
  };
  const base = url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const traces = url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const tracesEndpoint = traces ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);

  const switchRaw = (env.FENGQIAO_TRACING ?? '').trim().toLowerCase();
  let tracing = tracesEndpoint !== undefined;
  if (switchRaw === 'on') tracing = true;
  else if (switchRaw === 'off') tracing = false;
  else if (switchRaw !== '')
    problems.push(
      `FENGQIAO_TRACING 须为 on 或 off / FENGQIAO_TRACING must be on or off (got "${env.FENGQIAO_TRACING}")`,
    );
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') tracing = false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase();
  if (exporters === 'none') tracing = false;
  else if (exporters !== '' && exporters !== 'otlp')
    problems.push(
      `OTEL_TRACES_EXPORTER 仅支持 otlp 或 none / OTEL_TRACES_EXPORTER supports otlp or none only (got "${env.OTEL_TRACES_EXPORTER}")`,
    );

  const protocolVar = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocolRaw = (env[protocolVar] ?? '').trim();
  let protocol: OtlpProtocol = 'http/protobuf';
  if (protocolRaw === 'http/json' || protocolRaw === 'http/protobuf') protocol = protocolRaw;
  else if (protocolRaw !== '')
    problems.push(
      `${protocolVar} 须为 http/protobuf 或 http/json（不支持 grpc，请用收集器的 HTTP 端口 4318）/ ${protocolVar} must be http/protobuf or http/json (grpc is not supported: use the collector's HTTP port, 4318) (got "${protocolRaw}")`,
    );

  const sampler = (env.OTEL_TRACES_SAMPLER ?? '').trim();
  if (sampler !== '' && !SAMPLERS.includes(sampler))
    problems.push(
      `OTEL_TRACES_SAMPLER 须为 ${SAMPLERS.join('、')} 之一 / OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')} (got "${sampler}")`,
    );
  const samplerArg = (env.OTEL_TRACES_SAMPLER_ARG ?? '').trim();
  if (samplerArg !== '' && sampler.endsWith('traceidratio')) {
    const ratio = Number(samplerArg);
    if (!(ratio >= 0 && ratio <= 1))
      problems.push(
        `OTEL_TRACES_SAMPLER_ARG 须为 0 到 1 之间的比例 / OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got "${samplerArg}")`,
      );
  }
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || undefined;
  return { tracing, tracesEndpoint, protocol, ...(serviceName ? { serviceName } : {}) };
}
