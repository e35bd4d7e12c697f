import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../workflows/dispute.messages';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
    /** Task queue that new cases are started on (tests give each file its own). */
    taskQueue: string;
  }
}

export default fp<{ client: Client; taskQueue?: string }>(
  async (app, { client, taskQueue }) => {
    app.decorate('temporal', client);
    app.decorate('taskQueue', taskQueue ?? TASK_QUEUE);
  },
  { name: 'temporal' },
);
