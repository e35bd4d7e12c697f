import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Notifier } from '../activities/notifier';
import type { DocumentRenderer } from '../templates/render';
import { TASK_QUEUE } from '../workflows/dispute.messages';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  orm: MikroORM;
  renderer: DocumentRenderer;
  notifier?: Notifier;
  taskQueue?: string;
  /** A prebuilt bundle (tests build it once per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ orm: deps.orm, renderer: deps.renderer, notifier: deps.notifier }),
  });
}
