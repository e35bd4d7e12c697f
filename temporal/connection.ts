import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { workflowClientInterceptors } from '../telemetry/temporal';

/**
 * Connection settings from the standard TEMPORAL_* variables and profile file (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE),
 * so a Temporal cluster or Temporal Cloud is a matter of environment only.
 */
export function temporalSettings(): ReturnType<typeof loadClientConnectConfig> & { namespace: string } {
  const config = loadClientConnectConfig();
  config.connectionOptions.address ??= 'localhost:7233';
  return { ...config, namespace: config.namespace ?? 'default' };
}

/**
 * A client; `dataConverter` is the payload codec's (temporal/codec.ts), which every client and worker shares.
 * Its interceptors carry the API request's id, and with tracing on the trace, to the workflow (telemetry/temporal.ts).
 */
export async function connectClient(dataConverter: DataConverter): Promise<Client> {
  const { connectionOptions, namespace } = temporalSettings();
  const connection = await Connection.connect(connectionOptions);
  return new Client({ connection, namespace, dataConverter, interceptors: { workflow: workflowClientInterceptors() } });
}

export async function connectWorkerConnection(): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = temporalSettings();
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}
