/** Location metadata in the other photo formats: WebP's EXIF/XMP chunks blanked as they stream, HEIC refused unless kept, GIF as is. */
import { Readable } from 'node:stream';
import { openIntake } from '../../attachments/intake';
import { WebpLocationStripper, webpChunks } from '../../attachments/strip-location';
import { AppError } from '../../api/errors';
import { LATITUDE, readAll, sha256 } from './helpers';

const riffChunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
};

/** An extended WebP (VP8X with the EXIF and XMP flags) whose EXIF and XMP chunks hold a GPS position. */
export function webpWithGps(): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04 | 0x10; // EXIF, XMP, alpha
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    riffChunk('VP8L', Buffer.alloc(33, 0x2f)),
    riffChunk('EXIF', Buffer.concat([Buffer.from('II*\0', 'latin1'), LATITUDE, Buffer.from([1])])), // odd: a pad byte
    riffChunk('XMP ', Buffer.from('<x:xmpmeta><exif:GPSLatitude>28,52.2N</exif:GPSLatitude></x:xmpmeta>')),
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
}

/** `data` in pieces of `n` bytes (the stripper must not depend on where a network read ends). */
const inPieces = (data: Buffer, n: number) =>
  Readable.from(Array.from({ length: Math.ceil(data.length / n) }, (_, i) => data.subarray(i * n, (i + 1) * n)));

async function through(data: Buffer, keepLocation: boolean, piece = 7) {
  const intake = await openIntake(inPieces(data, piece), { maxBytes: 1024 * 1024, keepLocation });
  const out = await readAll(intake.stream);
  return { out, intake };
}

describe('WebP', () => {
  it.each([1, 5, 4096])(
    'blanks the EXIF and XMP chunks, in pieces of %i bytes, keeping the RIFF size true',
    async (piece) => {
      const webp = webpWithGps();
      const { out, intake } = await through(webp, false, piece);
      expect(intake.sniffed.mediaType).toBe('image/webp');
      expect(intake.result()).toEqual({ sha256: sha256(out), size: out.length });
      expect(out.length).toBe(webp.length);
      const parsed = webpChunks(out);
      expect(parsed.riffSize).toBe(out.length - 8);
      expect(parsed.chunks.map((c) => c.type)).toEqual(['VP8X', 'VP8L', 'JUNK', 'JUNK']);
      expect(parsed.flags).toBe(0x10); // alpha kept; EXIF and XMP flags cleared
      expect(parsed.chunks[1]!.data.equals(webpChunks(webp).chunks[1]!.data)).toBe(true); // the image untouched
      expect(parsed.chunks.slice(2).every((c) => c.data.every((b) => b === 0))).toBe(true);
      expect(out.includes(LATITUDE)).toBe(false);
      expect(out.includes(Buffer.from('GPSLatitude'))).toBe(false);
    },
  );

  it('passes a WebP unchanged when the uploader keeps the location', async () => {
    const webp = webpWithGps();
    expect((await through(webp, true)).out.equals(webp)).toBe(true);
  });

  it('passes a simple WebP (no metadata) byte for byte', async () => {
    const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), riffChunk('VP8 ', Buffer.alloc(41, 9))]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(body.length);
    const webp = Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
    const out = await readAll(Readable.from([webp]).pipe(new WebpLocationStripper()));
    expect(out.equals(webp)).toBe(true);
  });
});

describe('HEIC/HEIF', () => {
  const heic = (brand: string) =>
    Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from(`ftyp${brand}`, 'latin1'),
      Buffer.alloc(4),
      Buffer.from('mif1heic'),
      Buffer.alloc(200, 1),
    ]);

  it.each(['heic', 'mif1'])(
    'refuses a %s photo unless the location is kept (415, in Chinese and English)',
    async (brand) => {
      const err = await openIntake(Readable.from([heic(brand)]), { maxBytes: 1024 * 1024, keepLocation: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(415);
      expect((err as AppError).message).toMatch(
        /HEIC\/HEIF 照片中的位置信息无法安全去除：请转为 JPEG.* \/ .*send it as JPEG/,
      );
      const kept = await through(heic(brand), true);
      expect(kept.out.equals(heic(brand))).toBe(true);
    },
  );
});

it('takes a GIF as it is: the format has no place for a position', async () => {
  const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(60, 3), Buffer.from([0x3b])]);
  const { out, intake } = await through(gif, false);
  expect(intake.sniffed.mediaType).toBe('image/gif');
  expect(intake.stripped).toBe(false);
  expect(out.equals(gif)).toBe(true);
});
