import view from '@fastify/view';
import Handlebars from 'handlebars';
import type { FastifyInstance } from 'fastify';

/**
 * Server-rendered pages in the calling plugin's context: `reply.view` over the templates of `root`,
 * on a Handlebars instance of their own, compiled once, strict, escaping on. The public board
 * (views/) and the console (console/views/) each register their own.
 */
export async function registerPages(
  app: FastifyInstance,
  root: string,
  partials: Record<string, string> = {},
): Promise<void> {
  const pages = Handlebars.create();
  pages.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  await app.register(view, {
    engine: { handlebars: pages },
    root,
    production: true,
    options: { compileOptions: { strict: true }, partials },
  });
}
