import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../workflows/dispute.messages';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
    /** Task queue that new cases are started on (tests give each file its own). */
    taskQueue: string;
    /** New cases mirror their stage and deadlines into Temporal's search attributes. */
    stageSearchAttributes: boolean;
  }
}

export default fp<{ client: Client; taskQueue?: string; stageSearchAttributes?: boolean }>(
  async (app, { client, taskQueue, stageSearchAttributes }) => {
    app.decorate('temporal', client);
    app.decorate('taskQueue', taskQueue ?? TASK_QUEUE);
    app.decorate('stageSearchAttributes', stageSearchAttributes ?? false);
  },
  { name: 'temporal' },
);
