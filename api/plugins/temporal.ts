import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';

declare module 'fastify' {
  interface FastifyInstance {
    temporal: Client;
  }
}

export default fp<{ client: Client }>(
  async (app, { client }) => {
    app.decorate('temporal', client);
  },
  { name: 'temporal' },
);
