/**
 * The default attachment store: each file in PostgreSQL as rows of 256 KiB in `attachment_chunks`,
 * written and read one piece at a time through MikroORM's own pool.
 * Chunked rows rather than large objects: plain SQL through the ORM's knex/pg pool with no
 * transaction held across a slow upload, and a delete is one ordinary statement (no lo_unlink).
 */
import { Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AttachmentMissingError, type AttachmentMeta, type AttachmentStore } from './attachment-store';

export const PG_CHUNK_BYTES = 256 * 1024;

export class PgAttachmentStore implements AttachmentStore {
  readonly kind = 'pg' as const;

  constructor(
    private readonly orm: MikroORM,
    private readonly chunkBytes = PG_CHUNK_BYTES,
  ) {}

  private run(sql: string, params: unknown[]) {
    return this.orm.em.fork().getConnection().execute(sql, params, 'all');
  }

  async put(key: string, stream: Readable, _meta: AttachmentMeta): Promise<void> {
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await this.run('insert into attachment_chunks (storage_key, seq, data) values (?, ?, ?)', [key, seq++, data]);
    };
    try {
      for await (const chunk of stream) {
        let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        while (buf.length > 0) {
          const room = this.chunkBytes - pendingBytes;
          pending.push(buf.subarray(0, room));
          pendingBytes += Math.min(room, buf.length);
          buf = buf.subarray(room);
          if (pendingBytes >= this.chunkBytes) await flush();
        }
      }
      // Even an empty file has its row 0: `get` tells an empty file from a missing one.
      if (pendingBytes > 0 || seq === 0) await flush();
    } catch (err) {
      await this.delete(key).catch(() => undefined);
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const [first] = await this.run('select data from attachment_chunks where storage_key = ? and seq = 0', [key]);
    if (!first) throw new AttachmentMissingError(key);
    const run = this.run.bind(this);
    async function* pieces(): AsyncGenerator<Buffer> {
      yield (first as { data: Buffer }).data;
      for (let seq = 1; ; seq++) {
        const [row] = await run('select data from attachment_chunks where storage_key = ? and seq = ?', [key, seq]);
        if (!row) return;
        yield (row as { data: Buffer }).data;
      }
    }
    return Readable.from(pieces(), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    await this.run('delete from attachment_chunks where storage_key = ?', [key]);
  }
}
