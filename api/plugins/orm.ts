import fp from 'fastify-plugin';
import type { MikroORM } from '@mikro-orm/postgresql';

declare module 'fastify' {
  interface FastifyInstance {
    orm: MikroORM;
  }
}

/** The ORM, created by the caller (so tests and the server share one way to build it). */
export default fp<{ orm: MikroORM }>(
  async (app, { orm }) => {
    app.decorate('orm', orm);
  },
  { name: 'orm' },
);
