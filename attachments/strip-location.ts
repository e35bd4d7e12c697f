/**
 * Location metadata taken out of photos while they stream (issue 22: unless the uploader keeps it).
 * JPEG: the Exif GPS IFD is emptied in place (its entries and values zeroed, the rest of Exif kept:
 * orientation, time taken) and XMP segments (which may repeat the position) are dropped. PNG: the
 * eXIf chunk and XMP/raw-Exif text chunks are dropped. Only metadata segments (≤ 64 KiB in JPEG,
 * text chunks ≤ 1 MiB in PNG) are held in memory; image data passes through untouched.
 * WebP: the EXIF and XMP chunks are blanked in place (renamed to the RIFF padding chunk `JUNK`, their
 * bytes zeroed, the VP8X flags cleared) rather than dropped: they follow the image data, after the
 * RIFF size has been sent, and blanking keeps that size right without holding the file.
 * HEIC/HEIF (location inside ISOBMFF items, no safe streaming edit) are refused unless the uploader
 * keeps the location (attachments/intake.ts); GIF has no place for a position.
 */
import { Transform, type TransformCallback } from 'node:stream';

const TYPE_BYTES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
};
const GPS_TAG = 0x8825;
const EXIF_ID = Buffer.from('Exif\0\0', 'latin1');
const XMP_ID = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');

interface Tiff {
  b: Buffer;
  u16(at: number): number;
  u32(at: number): number;
  w16(at: number, v: number): void;
}

function tiffOf(b: Buffer): Tiff | undefined {
  const order = b.toString('latin1', 0, 2);
  if (b.length < 8 || (order !== 'II' && order !== 'MM')) return undefined;
  const le = order === 'II';
  return {
    b,
    u16: (at) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at)),
    u32: (at) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at)),
    w16: (at, v) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at)),
  };
}

/** The offset of the GPS IFD in a TIFF (Exif) block, if IFD0 points to one. */
function gpsIfdOf(t: Tiff): number | undefined {
  const ifd0 = t.u32(4);
  if (ifd0 + 2 > t.b.length) throw new RangeError('IFD0 outside the block');
  const n = t.u16(ifd0);
  if (ifd0 + 2 + 12 * n > t.b.length) throw new RangeError('IFD0 entries outside the block');
  for (let i = 0; i < n; i++) {
    const e = ifd0 + 2 + 12 * i;
    if (t.u16(e) === GPS_TAG) return t.u32(e + 8);
  }
  return undefined;
}

/** Empties the GPS IFD of a TIFF block in place; throws RangeError on a block it cannot read. */
function wipeGps(t: Tiff): void {
  const gps = gpsIfdOf(t);
  if (gps === undefined) return;
  if (gps + 2 > t.b.length) throw new RangeError('GPS IFD outside the block');
  const n = t.u16(gps);
  const end = gps + 2 + 12 * n;
  if (end > t.b.length) throw new RangeError('GPS entries outside the block');
  for (let i = 0; i < n; i++) {
    const e = gps + 2 + 12 * i;
    const bytes = (TYPE_BYTES[t.u16(e + 2)] ?? 1) * t.u32(e + 4);
    if (bytes > 4) {
      const at = t.u32(e + 8);
      if (at + bytes > t.b.length) throw new RangeError('GPS value outside the block');
      t.b.fill(0, at, at + bytes);
    }
  }
  t.b.fill(0, gps + 2, Math.min(end + 4, t.b.length));
  t.w16(gps, 0);
}

/** Whether a JPEG's Exif has GPS entries (for tests and checks; reads the whole buffer). */
export function jpegGpsEntries(jpeg: Buffer): number {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const len = jpeg.readUInt16BE(at + 2);
    const body = jpeg.subarray(at + 4, at + 2 + len);
    if (marker === 0xe1 && body.subarray(0, 6).equals(EXIF_ID)) {
      const t = tiffOf(body.subarray(6));
      const gps = t && gpsIfdOf(t);
      if (t && gps !== undefined) return t.u16(gps);
    }
    at += 2 + len;
  }
  return 0;
}

/**
 * A stripper that reads a container's structure from the head of the stream: bytes wait in `buf`
 * until `parse` can decide about them; once `through`, the rest passes untouched.
 */
abstract class BufferedStripper extends Transform {
  protected buf: Buffer = Buffer.alloc(0);
  protected through = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.through) return done(null, chunk);
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    this.parse();
    done();
  }

  override _flush(done: TransformCallback): void {
    // What is left is a cut header at most: no payload is withheld here.
    if (this.buf.length) this.push(this.buf);
    done();
  }

  protected abstract parse(): void;
}

/** A JPEG stream with its GPS IFD emptied and its XMP dropped; everything from the scan on passes as is. */
export class JpegLocationStripper extends BufferedStripper {
  private started = false;

  private passRest(): void {
    this.through = true;
    if (this.buf.length) this.push(this.buf);
    this.buf = Buffer.alloc(0);
  }

  protected parse(): void {
    if (!this.started) {
      if (this.buf.length < 2) return;
      this.started = true;
      this.push(this.buf.subarray(0, 2)); // SOI
      this.buf = this.buf.subarray(2);
    }
    for (;;) {
      if (this.buf.length < 2) return;
      if (this.buf[0] !== 0xff) return this.passRest();
      const marker = this.buf[1]!;
      if (marker === 0xff) {
        this.push(this.buf.subarray(0, 1)); // a fill byte
        this.buf = this.buf.subarray(1);
        continue;
      }
      if (marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        this.push(this.buf.subarray(0, 2));
        this.buf = this.buf.subarray(2);
        if (marker === 0xd9) return this.passRest();
        continue;
      }
      if (this.buf.length < 4) return;
      const total = 2 + this.buf.readUInt16BE(2);
      if (this.buf.length < total) return;
      const segment = Buffer.from(this.buf.subarray(0, total));
      this.buf = this.buf.subarray(total);
      if (marker === 0xe1) {
        const body = segment.subarray(4);
        if (body.subarray(0, XMP_ID.length).equals(XMP_ID)) continue; // XMP: dropped
        if (body.subarray(0, 6).equals(EXIF_ID)) {
          const t = tiffOf(body.subarray(6));
          try {
            if (!t) throw new RangeError('not TIFF');
            wipeGps(t);
          } catch {
            continue; // an Exif block that cannot be read is dropped whole
          }
        }
      }
      this.push(segment);
      if (marker === 0xda) return this.passRest(); // start of scan: image data from here on
    }
  }
}

const PNG_TEXT = new Set(['tEXt', 'zTXt', 'iTXt']);
const PNG_TEXT_HELD = 1024 * 1024;

/** A PNG stream without eXIf and XMP/raw-profile text chunks. */
export class PngLocationStripper extends BufferedStripper {
  private started = false;
  /** Bytes of the current chunk still to pass (`keep`) or drop. */
  private left = 0;
  private keep = true;

  protected parse(): void {
    if (!this.started) {
      if (this.buf.length < 8) return;
      this.started = true;
      this.push(this.buf.subarray(0, 8));
      this.buf = this.buf.subarray(8);
    }
    for (;;) {
      if (this.left > 0) {
        const n = Math.min(this.left, this.buf.length);
        if (this.keep && n) this.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.left -= n;
        if (this.left > 0) return;
      }
      if (this.buf.length < 8) return;
      const length = this.buf.readUInt32BE(0);
      const type = this.buf.toString('latin1', 4, 8);
      const total = length + 12;
      if (type === 'eXIf') {
        this.keep = false;
        this.left = total;
        continue;
      }
      if (PNG_TEXT.has(type) && length <= PNG_TEXT_HELD) {
        if (this.buf.length < total) return;
        const keyword = this.buf.toString('latin1', 8, 8 + Math.min(length, 80)).split('\0')[0] ?? '';
        const located = keyword === 'XML:com.adobe.xmp' || /^Raw profile type (exif|xmp|APP1)$/i.test(keyword);
        if (!located) this.push(this.buf.subarray(0, total));
        this.buf = this.buf.subarray(total);
        continue;
      }
      this.keep = true;
      this.left = total;
      if (type === 'IEND') {
        this.through = true;
        this.push(this.buf);
        this.buf = Buffer.alloc(0);
        return;
      }
    }
  }
}

const WEBP_BLANKED = new Set(['EXIF', 'XMP ']);
/** VP8X flag bits of the EXIF and XMP chunks (WebP container spec: byte 0, bits E = 0x08, X = 0x04). */
const VP8X_METADATA_FLAGS = 0x08 | 0x04;

/**
 * A WebP stream with its EXIF and XMP chunks blanked: each becomes a `JUNK` chunk of the same size
 * holding only zeros, which readers skip as an unknown chunk. Only chunk headers (and VP8X's 10 bytes)
 * are held; the RIFF size stays true because no byte is added or removed.
 */
export class WebpLocationStripper extends BufferedStripper {
  private started = false;
  /** Bytes of the current chunk's payload (with its pad byte) still to pass, or to send as zeros. */
  private left = 0;
  private blank = false;

  protected parse(): void {
    if (!this.started) {
      if (this.buf.length < 12) return;
      this.started = true;
      this.push(this.buf.subarray(0, 12)); // RIFF, size, WEBP
      this.buf = this.buf.subarray(12);
    }
    for (;;) {
      if (this.left > 0) {
        const n = Math.min(this.left, this.buf.length);
        if (n) this.push(this.blank ? Buffer.alloc(n) : this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.left -= n;
        if (this.left > 0) return;
      }
      if (this.buf.length < 8) return;
      const type = this.buf.toString('latin1', 0, 4);
      const size = this.buf.readUInt32LE(4);
      const payload = size + (size & 1);
      if (type === 'VP8X' && size >= 10) {
        if (this.buf.length < 18) return;
        const head = Buffer.from(this.buf.subarray(0, 18));
        head[8] = head[8]! & ~VP8X_METADATA_FLAGS;
        this.push(head);
        this.buf = this.buf.subarray(18);
        this.blank = false;
        this.left = payload - 10;
        continue;
      }
      this.blank = WEBP_BLANKED.has(type);
      this.push(
        this.blank ? Buffer.concat([Buffer.from('JUNK', 'latin1'), this.buf.subarray(4, 8)]) : this.buf.subarray(0, 8),
      );
      this.buf = this.buf.subarray(8);
      this.left = payload;
      if (this.left === 0) continue;
    }
  }
}

/** The chunks of a WebP (for tests and checks; reads the whole buffer): type, payload and the VP8X flags. */
export function webpChunks(webp: Buffer): {
  riffSize: number;
  flags?: number;
  chunks: Array<{ type: string; data: Buffer }>;
} {
  const chunks: Array<{ type: string; data: Buffer }> = [];
  let at = 12;
  while (at + 8 <= webp.length) {
    const size = webp.readUInt32LE(at + 4);
    chunks.push({ type: webp.toString('latin1', at, at + 4), data: webp.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size & 1);
  }
  const vp8x = chunks.find((c) => c.type === 'VP8X');
  return { riffSize: webp.readUInt32LE(4), ...(vp8x ? { flags: vp8x.data[0] } : {}), chunks };
}
