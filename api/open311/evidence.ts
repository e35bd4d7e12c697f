/**
 * Keeps an Open311 report's media as evidence of its case, once the case exists: `media_url` as a link
 * (attachments/service.ts addEvidenceLink: never fetched), an uploaded `media` file streamed from its
 * temporary copy into the attachment store (addAttachment: type by content, location stripped, SHA-256
 * in the case's events). A refusal (a type not taken, too large) does not undo the report: the answer
 * says why (`media_notice`), and the integrator may add the file later through the API.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { addAttachment, addEvidenceLink } from '../../attachments/service';
import { actorOf, type Principal } from '../plugins/auth';
import type { SavedMedia } from './media';

export async function keepMedia(
  app: FastifyInstance,
  input: { disputeId: string; who: Principal; mediaUrl?: string; media?: SavedMedia },
): Promise<string | undefined> {
  if (!input.mediaUrl && !input.media) return undefined;
  const deps = { orm: app.orm, store: app.attachmentStore, temporal: app.temporal, limits: app.attachmentLimits };
  const actor = actorOf(input.who);
  const notices: string[] = [];
  const refused = (what: string) => (err: unknown) => {
    const status = (err as { status?: number }).status;
    if (!status || status >= 500) throw err;
    notices.push(`${what}：${(err as Error).message}`);
  };
  if (input.mediaUrl)
    await addEvidenceLink(deps, {
      disputeId: input.disputeId,
      actor,
      url: input.mediaUrl,
      source: 'open311',
      description: 'Open311 media_url',
    }).catch(refused('media_url 未保存 / media_url not kept'));
  if (input.media)
    await addAttachment(deps, {
      disputeId: input.disputeId,
      actor,
      source: 'open311',
      fileName: input.media.fileName,
      stream: createReadStream(input.media.file),
    }).catch(refused('media 未保存 / media not kept'));
  return notices.length ? notices.join('; ') : undefined;
}
