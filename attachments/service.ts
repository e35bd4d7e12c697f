/**
 * Evidence on a case (issue 22, item 1): files and links, for every way in (staff and integrators
 * through the API, parties on their page, Open311, the public form). A file is checked and stored
 * first (attachments/intake.ts, storage/), then put on the case's record by its workflow
 * (`attach-evidence`, event `evidence_added` with the SHA-256); when the case refuses, the stored
 * bytes and the row are removed again: nothing is left behind.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Attachment, Dispute } from '../db/entities';
import { mayAct } from '../domain/permissions';
import type { Actor, DisputeView } from '../domain/types';
import { AppError, fromTemporal } from '../api/errors';
import { DEFAULT_ATTACHMENT_LIMITS } from '../config/attachments';
import type { AttachmentStore } from '../storage/attachment-store';
import {
  ACTION_REFUSED,
  attachEvidenceUpdate,
  workflowIdFor,
  type ActionRefusedDetails,
  type AttachEvidencePayload,
  type CaseReceipt,
} from '../workflows/dispute.messages';
import { openIntake } from './intake';
import { safeFileName } from './sniff';

export type EvidenceSource = 'staff' | 'integrator' | 'party' | 'open311' | 'public_form';

export interface AttachmentDeps {
  orm: MikroORM;
  store: AttachmentStore;
  temporal: Client;
  /** Per file and per case (default 10 MiB, 30; ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_PER_CASE). */
  limits?: { maxBytes: number; maxPerCase: number };
}

/** An attachment as the API answers it (api/routes/attachments.ts masks `uploadedBy.name` for readers outside the unit). */
export interface AttachmentView {
  id: string;
  disputeId: string;
  kind: 'file' | 'link';
  name: string;
  mediaType: string;
  size: number;
  sha256?: string;
  url?: string;
  description?: string;
  source: EvidenceSource;
  uploadedBy: { id: string; name: string; role: string; partyIndex?: number };
  keptLocation: boolean;
  createdAt: string;
  /** The `evidence_added` event of the case's history that recorded it. */
  eventSeq?: number;
}

export interface AddAttachmentInput {
  disputeId: string;
  actor: Actor;
  source: EvidenceSource;
  fileName: string;
  stream: Readable;
  keepLocation?: boolean;
  description?: string;
}

export interface AddEvidenceLinkInput {
  disputeId: string;
  actor: Actor;
  url: string;
  source: EvidenceSource;
  description?: string;
}

export function attachmentView(a: Attachment): AttachmentView {
  return {
    id: a.id,
    disputeId: a.disputeId,
    kind: a.kind as AttachmentView['kind'],
    name: a.name,
    mediaType: a.mediaType,
    size: Number(a.size),
    ...(a.sha256 ? { sha256: a.sha256 } : {}),
    ...(a.url ? { url: a.url } : {}),
    ...(a.description ? { description: a.description } : {}),
    source: a.source as EvidenceSource,
    uploadedBy: {
      id: a.uploadedById,
      name: a.uploadedByName,
      role: a.uploadedByRole,
      ...(a.partyIndex !== null && a.partyIndex !== undefined ? { partyIndex: a.partyIndex } : {}),
    },
    keptLocation: a.keptLocation,
    createdAt: a.createdAt.toISOString(),
    ...(a.eventSeq ? { eventSeq: a.eventSeq } : {}),
  };
}

const limitsOf = (deps: AttachmentDeps) => deps.limits ?? DEFAULT_ATTACHMENT_LIMITS;

/**
 * Before anything is stored: the case exists, is open, the actor may add evidence to it (the
 * workflow checks again when recording), and it has room for one more.
 */
async function checkCase(deps: AttachmentDeps, disputeId: string, actor: Actor): Promise<void> {
  const em = deps.orm.em.fork();
  const row = await em.findOne(Dispute, { id: disputeId }, { fields: ['id', 'stage', 'state'] as never });
  if (!row) throw new AppError('not_found', `no case ${disputeId}`);
  const state = row.state as DisputeView;
  if (row.stage === 'closed')
    throw new AppError(
      'action_refused',
      '案件已办结，不能再添加证据材料 / the case is closed: no more evidence can be added',
      {
        stage: 'closed',
        allowed: [],
      },
    );
  const scope = {
    unitCode: state.unit?.code,
    unitPath: state.unit?.path,
    summoned: state.meeting?.agencies.map((a) => a.code) ?? [],
  };
  if (!mayAct(actor, 'attach-evidence', scope))
    throw new AppError(
      'forbidden',
      `${actor.role} ${actor.name} 不能为本案添加证据材料 / may not add evidence to this case`,
    );
  const count = await em.count(Attachment, { disputeId, deletedAt: null });
  const { maxPerCase } = limitsOf(deps);
  if (count >= maxPerCase)
    throw new AppError(
      'conflict',
      `本案证据材料已达 ${maxPerCase} 件的上限 / the case already has its limit of ${maxPerCase} attachments`,
    );
}

const BUSY_RETRIES = 8;

/** Records the evidence on the case (its workflow), retrying while the case is busy for a moment. */
async function record(
  deps: AttachmentDeps,
  disputeId: string,
  actor: Actor,
  id: string,
  payload: AttachEvidencePayload,
) {
  const handle = deps.temporal.workflow.getHandle(workflowIdFor(disputeId));
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(attachEvidenceUpdate, {
        args: [{ actor, payload }],
        updateId: `evidence-${id}`,
      });
    } catch (err) {
      const cause = (err as { cause?: { type?: string; details?: unknown[] } })?.cause;
      const busy =
        cause?.type === ACTION_REFUSED && (cause.details?.[0] as ActionRefusedDetails | undefined)?.busy === true;
      if (busy && attempt < BUSY_RETRIES) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      if (err instanceof WorkflowNotFoundError || /workflow execution already completed/i.test(String(cause ?? err)))
        throw new AppError('action_refused', '案件已办结 / the case is closed', { stage: 'closed', allowed: [] });
      throw fromTemporal(err) ?? err;
    }
  }
}

/** Puts a stored attachment's row on the record, or removes the row and its bytes when the case refuses. */
async function recordOrRemove(deps: AttachmentDeps, row: Attachment, actor: Actor, payload: AttachEvidencePayload) {
  const em = deps.orm.em.fork();
  em.persist(row);
  try {
    await em.flush();
    // Counted again once the row is in: uploads running side by side all passed the first count.
    const { maxPerCase } = limitsOf(deps);
    if ((await em.fork().count(Attachment, { disputeId: row.disputeId, deletedAt: null })) > maxPerCase)
      throw new AppError(
        'conflict',
        `本案证据材料已达 ${maxPerCase} 件的上限 / the case already has its limit of ${maxPerCase} attachments`,
      );
    const receipt: CaseReceipt = await record(deps, row.disputeId, actor, row.id, payload);
    row.eventSeq = receipt.seq;
    await em.flush();
    return attachmentView(row);
  } catch (err) {
    await em.nativeDelete(Attachment, { id: row.id }).catch(() => undefined);
    if (row.storageKey) await deps.store.delete(row.storageKey).catch(() => undefined);
    throw err;
  }
}

function uploader(row: Attachment, actor: Actor): void {
  row.uploadedById = actor.id;
  row.uploadedByName = actor.name;
  row.uploadedByRole = actor.role;
  row.partyIndex = actor.partyIndex ?? null;
}

const cleanDescription = (d?: string) => {
  const text = d?.trim();
  return text ? [...text].slice(0, 2000).join('') : undefined;
};

/**
 * A file as evidence: refused before storing when the case is closed (409), the actor may not (403),
 * the case is full (409) or the content is not an accepted kind (415); 413 past the size limit.
 */
export async function addAttachment(deps: AttachmentDeps, input: AddAttachmentInput): Promise<AttachmentView> {
  try {
    await checkCase(deps, input.disputeId, input.actor);
  } catch (err) {
    input.stream.resume();
    throw err;
  }
  const keepLocation = input.keepLocation === true;
  const intake = await openIntake(input.stream, { maxBytes: limitsOf(deps).maxBytes, keepLocation });
  const id = randomUUID();
  const storageKey = `disputes/${input.disputeId}/${id}`;
  await deps.store.put(storageKey, intake.stream, { mediaType: intake.sniffed.mediaType });
  const { sha256, size } = intake.result();
  const row = new Attachment();
  Object.assign(row, {
    id,
    disputeId: input.disputeId,
    kind: 'file',
    name: safeFileName(input.fileName, intake.sniffed),
    mediaType: intake.sniffed.mediaType,
    size,
    sha256,
    storageKey,
    description: cleanDescription(input.description) ?? null,
    source: input.source,
    keptLocation: keepLocation && intake.sniffed.kind === 'image',
  });
  uploader(row, input.actor);
  return recordOrRemove(deps, row, input.actor, {
    attachmentId: id,
    name: row.name,
    mediaType: row.mediaType,
    size,
    sha256,
    source: input.source,
    ...(row.description ? { description: row.description } : {}),
  });
}

/** A web address kept as evidence: recorded as given, never fetched by the server (no request to it, no SSRF). */
export function checkEvidenceUrl(raw: string): string {
  const refuse = () =>
    new AppError(
      'validation_failed',
      '链接须为不含账号密码的 http(s) 地址，不超过 2000 个字符 / the link must be an http(s) address without credentials, at most 2000 characters',
    );
  if (raw.length > 2000) throw refuse();
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw refuse();
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) throw refuse();
  return u.href;
}

export async function addEvidenceLink(deps: AttachmentDeps, input: AddEvidenceLinkInput): Promise<AttachmentView> {
  const url = checkEvidenceUrl(input.url);
  await checkCase(deps, input.disputeId, input.actor);
  const id = randomUUID();
  const u = new URL(url);
  const row = new Attachment();
  Object.assign(row, {
    id,
    disputeId: input.disputeId,
    kind: 'link',
    name: [...`${u.host}${u.pathname === '/' ? '' : u.pathname}`].slice(0, 255).join(''),
    mediaType: 'text/uri-list',
    size: 0,
    sha256: null,
    storageKey: null,
    url,
    description: cleanDescription(input.description) ?? null,
    source: input.source,
    keptLocation: false,
  });
  uploader(row, input.actor);
  return recordOrRemove(deps, row, input.actor, {
    attachmentId: id,
    name: row.name,
    mediaType: row.mediaType,
    size: 0,
    source: input.source,
    url,
    ...(row.description ? { description: row.description } : {}),
  });
}

/** The case's evidence on record, first to last (the caller has checked that the case is visible). */
export async function listAttachments(orm: MikroORM, disputeId: string): Promise<AttachmentView[]> {
  const rows = await orm.em
    .fork()
    .find(
      Attachment,
      { disputeId, deletedAt: null, eventSeq: { $ne: null } },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
  return rows.map(attachmentView);
}

/** One file on record with its bytes, streamed; 404 for a link, another case's id or an unknown one. */
export async function openAttachment(
  deps: Pick<AttachmentDeps, 'orm' | 'store'>,
  disputeId: string,
  attachmentId: string,
): Promise<{ attachment: AttachmentView; stream: Readable }> {
  const row = /^[0-9a-f-]{36}$/i.test(attachmentId)
    ? await deps.orm.em
        .fork()
        .findOne(Attachment, { id: attachmentId, disputeId, deletedAt: null, eventSeq: { $ne: null } })
    : null;
  if (!row || !row.storageKey) throw new AppError('not_found', `no attachment ${attachmentId}`);
  return { attachment: attachmentView(row), stream: await deps.store.get(row.storageKey) };
}
