/** Test material for evidence: multipart bodies, a JPEG and a PNG with location metadata, an S3 server (moto). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3AttachmentStore } from '../../storage/s3-store';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A multipart/form-data body: the fields first, then the part `file`. */
export function multipart(
  fields: Record<string, string>,
  file?: { name: string; data: Buffer | Readable; type?: string },
): { headers: Record<string, string>; payload: Readable } {
  const boundary = `----fq${Math.random().toString(16).slice(2)}`;
  async function* body(): AsyncGenerator<Buffer> {
    for (const [k, v] of Object.entries(fields))
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    if (file) {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\n` +
          `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      );
      if (Buffer.isBuffer(file.data)) yield file.data;
      else for await (const c of file.data) yield c as Buffer;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Readable.from(body(), { objectMode: false }),
  };
}

/** GPSLatitude 28° 52' 12.34" — bytes the stripped file must no longer hold. */
export const LATITUDE = Buffer.from([28, 0, 0, 0, 1, 0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 0xd2, 0x04, 0, 0, 100, 0, 0, 0]);

/** A small JPEG whose Exif holds a GPS IFD (N, 28°52'12.34"), then a scan. */
export function jpegWithGps(): Buffer {
  const tiff = Buffer.alloc(56 + LATITUDE.length);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8); // IFD0: one entry, the GPS pointer
  tiff.writeUInt16LE(0x8825, 10);
  tiff.writeUInt16LE(4, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.writeUInt16LE(2, 26); // GPS IFD: two entries
  tiff.writeUInt16LE(0x0001, 28);
  tiff.writeUInt16LE(2, 30);
  tiff.writeUInt32LE(2, 32);
  tiff.write('N\0', 36, 'latin1');
  tiff.writeUInt16LE(0x0002, 40);
  tiff.writeUInt16LE(5, 42);
  tiff.writeUInt32LE(3, 44);
  tiff.writeUInt32LE(56, 48);
  tiff.writeUInt32LE(0, 52);
  LATITUDE.copy(tiff, 56);
  const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(exif.length + 2, 2);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  const scan = Buffer.from('scan-data-\xff\x00-more', 'latin1');
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, exif, sos, scan, Buffer.from([0xff, 0xd9])]);
}

/** A PNG (signature and chunks; CRCs not checked by the stripper) with an eXIf chunk. */
export function pngWithExif(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.alloc(13, 1)),
    chunk('eXIf', Buffer.concat([Buffer.from('MM\0*', 'latin1'), LATITUDE])),
    chunk('IDAT', Buffer.alloc(100, 7)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A Windows executable (MZ header). */
export const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120, 0)]);

/** A stream of `bytes` pseudo-random bytes, generated piece by piece (never held whole), starting with `head`. */
export function generated(bytes: number, head: Buffer = PDF): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return this.push(null);
      const piece = sent === 0 ? head : createHash('sha512').update(String(n++)).digest();
      const size = Math.min(bytes - sent, sent === 0 ? piece.length : 64 * 1024);
      const out = sent === 0 ? piece.subarray(0, size) : Buffer.alloc(size, piece);
      sent += out.length;
      this.push(out);
    },
  });
}

export async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const MOTO = path.join(__dirname, '../../.tools/moto/bin/moto_server');
export const motoInstalled = () => existsSync(MOTO);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** moto's S3 server on a free loopback port, with a bucket; `stop` ends it. */
export async function startMoto(): Promise<{ store: S3AttachmentStore; endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('moto did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const store = new S3AttachmentStore({
    bucket: 'fengqiao-evidence',
    region: 'us-east-1',
    endpoint,
    accessKeyId: 'test',
    secretAccessKey: 'test',
    forcePathStyle: true,
  });
  await store.client.send(new CreateBucketCommand({ Bucket: 'fengqiao-evidence' }));
  return {
    store,
    endpoint,
    async stop() {
      store.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

// Live memory, not RSS (which grows with garbage not yet collected): collect, then measure.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;
const live = () => {
  // Twice: buffers found dead by a collection are freed by a sweeper that the next one finishes.
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * The peak of live memory above where it starts, sampled at fixed points of the stream (every
 * `every` bytes that pass, on the way in and on the way out): a full collection in jest's large heap
 * takes a while, so a timer sampling often made these tests take a minute; a few samples placed
 * where the bytes are in flight show the same.
 */
export function peakSampler(every: number) {
  const before = live();
  let peak = before;
  let samples = 0;
  const at = () => {
    peak = Math.max(peak, live());
    samples++;
  };
  /** A pass-through that samples each time another `every` bytes have gone by. */
  const tap = (onChunk: (c: Buffer) => void) => {
    let seen = 0;
    return new Transform({
      transform(c: Buffer, _e, done) {
        onChunk(c);
        if (Math.floor((seen + c.length) / every) > Math.floor(seen / every)) at();
        seen += c.length;
        done(null, c);
      },
    });
  };
  return { tap, stop: () => ({ growth: peak - before, samples }) };
}
