/** The notices-to-people service of a worker process (worker/main.ts, `npm start`), as the configuration asks. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/env';
import { notificationServiceFor } from '../notifications/config';
import type { NotificationService } from '../notifications/service';
import { linkFor } from '../parties/links';

export function notificationsFor(config: AppConfig, orm: MikroORM, log: (line: string) => void): NotificationService {
  return notificationServiceFor(config.notifications, {
    // The parties' links are signed by parties/links.ts (PUBLIC_URL required in production).
    linkFor: async (req) => (await linkFor(orm.em.fork(), config.publicUrl, req)).url,
    log,
  });
}
