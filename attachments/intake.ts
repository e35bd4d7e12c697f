/**
 * A file on its way into the store: its type told by its first bytes (attachments/sniff.ts), its
 * size limited, location metadata stripped (attachments/strip-location.ts) and its SHA-256 and size
 * computed as it streams. Nothing holds the whole file.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { AppError } from '../api/errors';
import { SNIFF_BYTES, sniff, type Sniffed } from './sniff';
import { JpegLocationStripper, PngLocationStripper, WebpLocationStripper } from './strip-location';

/** The file is larger than the limit (413). */
export function tooLarge(maxBytes: number): AppError {
  const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  return new AppError('payload_too_large', `文件超过 ${mb} MB 的上限 / the file is larger than the ${mb} MB limit`);
}

/** Not one of the accepted kinds (415). */
export function notAccepted(): AppError {
  return new AppError(
    'unsupported_media_type',
    '只接受照片（JPEG、PNG、WebP、GIF、HEIC）、PDF 和音频（MP3、M4A/AAC、AMR、WAV、OGG），按文件内容判断 / ' +
      'only photos (JPEG, PNG, WebP, GIF, HEIC), PDFs and audio (MP3, M4A/AAC, AMR, WAV, OGG) are accepted, told by the content',
  );
}

/**
 * A HEIC/HEIF photo without "keep the location" (415): its position sits in ISOBMFF items that no
 * small streaming filter removes safely, so it is refused rather than stored with it.
 */
export function heicKeepsLocation(): AppError {
  return new AppError(
    'unsupported_media_type',
    'HEIC/HEIF 照片中的位置信息无法安全去除：请转为 JPEG 后上传（手机“设置 > 相机 > 格式”选“兼容性最佳”），或选择保留位置信息 / ' +
      'the location in a HEIC/HEIF photo cannot be removed safely: send it as JPEG (iPhone: Settings > Camera > Formats > Most Compatible), or choose to keep the location',
  );
}

const HEIF_TYPES = new Set(['image/heic', 'image/heic-sequence', 'image/heif', 'image/heif-sequence']);

/** The first `n` bytes of `src` (fewer if it is shorter), and a stream that still yields every byte. */
export async function peekHead(src: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const parts: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < n && !ended) {
    const chunk = src.read() as Buffer | null;
    if (chunk !== null) {
      parts.push(chunk);
      length += chunk.length;
      continue;
    }
    ended = await new Promise<boolean>((resolve, reject) => {
      const done = (value: boolean) => () => {
        src.off('readable', onReadable).off('end', onEnd).off('error', onError);
        resolve(value);
      };
      const onReadable = done(false);
      const onEnd = done(true);
      const onError = (err: Error) => {
        src.off('readable', onReadable).off('end', onEnd);
        reject(err);
      };
      src.once('readable', onReadable).once('end', onEnd).once('error', onError);
      if (src.readableEnded) onEnd();
    });
  }
  const head = Buffer.concat(parts, length);
  if (ended || src.readableEnded) return { head, stream: Readable.from([head], { objectMode: false }) };
  if (head.length) src.unshift(head);
  return { head, stream: src };
}

/** Counts bytes; fails with 413 past `max`. */
class SizeLimit extends Transform {
  bytes = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) return done(tooLarge(this.max));
    done(null, chunk);
  }
}

/** SHA-256 and size of what passes. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export interface Intake {
  sniffed: Sniffed;
  /** The bytes to store (stripped where asked). */
  stream: Readable;
  /** After `stream` has ended: the stored bytes' SHA-256 and size. */
  result(): { sha256: string; size: number };
  /** Whether location metadata was removed (false: kept, or a format without it). */
  stripped: boolean;
}

/**
 * Opens a file for storing: 415 before anything is stored when its content is not an accepted kind.
 * `stream` errors with 413 when the file passes `maxBytes`.
 */
export async function openIntake(src: Readable, opts: { maxBytes: number; keepLocation: boolean }): Promise<Intake> {
  const { head, stream } = await peekHead(src, SNIFF_BYTES);
  const sniffed = sniff(head);
  if (!sniffed) {
    src.resume(); // drain what the client still sends, so that the 415 can be answered
    throw notAccepted();
  }
  if (HEIF_TYPES.has(sniffed.mediaType) && !opts.keepLocation) {
    src.resume();
    throw heicKeepsLocation();
  }
  const limit = new SizeLimit(opts.maxBytes);
  const digest = new Digest();
  const stripper =
    opts.keepLocation || sniffed.kind !== 'image'
      ? undefined
      : sniffed.mediaType === 'image/jpeg'
        ? new JpegLocationStripper()
        : sniffed.mediaType === 'image/png'
          ? new PngLocationStripper()
          : sniffed.mediaType === 'image/webp'
            ? new WebpLocationStripper()
            : undefined; // GIF: no location metadata; HEIC/HEIF: refused above unless kept
  const steps: NodeJS.ReadWriteStream[] = [limit, ...(stripper ? [stripper] : []), digest];
  const out = new PassThrough();
  (pipeline as unknown as (...s: unknown[]) => void)(stream, ...steps, out, (err: Error | null) => {
    if (err) {
      out.destroy(err);
      src.resume();
    }
  });
  return {
    sniffed,
    stream: out,
    stripped: !!stripper,
    result: () => ({ sha256: digest.hash.digest('hex'), size: digest.bytes }),
  };
}
