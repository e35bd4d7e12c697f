/**
 * What a file is, by its first bytes (magic numbers), whatever its name says. Hand-written: the
 * `file-type` package is ESM-only in its current versions and this project is CommonJS, and the
 * short list of evidence formats below needs only these few signatures.
 */

export interface Sniffed {
  mediaType: string;
  /** The usual extensions, the first one preferred. */
  extensions: string[];
  kind: 'image' | 'pdf' | 'audio';
}

/** Bytes enough to tell every accepted format. */
export const SNIFF_BYTES = 64;

const ascii = (b: Buffer, at: number, text: string) =>
  b.length >= at + text.length && b.toString('latin1', at, at + text.length) === text;

const HEIF_BRANDS: Record<string, string> = {
  heic: 'image/heic',
  heix: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  hevc: 'image/heic-sequence',
  hevx: 'image/heic-sequence',
  mif1: 'image/heif',
  msf1: 'image/heif-sequence',
};

/** The accepted evidence formats: photos, PDFs and audio. Anything else is undefined (refused). */
export function sniff(head: Buffer): Sniffed | undefined {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
    return { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], kind: 'image' };
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mediaType: 'image/png', extensions: ['png'], kind: 'image' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))
    return { mediaType: 'image/gif', extensions: ['gif'], kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'))
    return { mediaType: 'image/webp', extensions: ['webp'], kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { mediaType: 'audio/wav', extensions: ['wav'], kind: 'audio' };
  if (ascii(b, 0, '%PDF-')) return { mediaType: 'application/pdf', extensions: ['pdf'], kind: 'pdf' };
  if (ascii(b, 0, 'OggS')) return { mediaType: 'audio/ogg', extensions: ['ogg', 'oga', 'opus'], kind: 'audio' };
  if (ascii(b, 0, '#!AMR-WB\n')) return { mediaType: 'audio/amr-wb', extensions: ['awb', 'amr'], kind: 'audio' };
  if (ascii(b, 0, '#!AMR\n')) return { mediaType: 'audio/amr', extensions: ['amr'], kind: 'audio' };
  if (ascii(b, 4, 'ftyp') && b.length >= 12) {
    const brand = b.toString('latin1', 8, 12);
    const heif = HEIF_BRANDS[brand];
    if (heif)
      return { mediaType: heif, extensions: heif.startsWith('image/heic') ? ['heic'] : ['heif'], kind: 'image' };
    // Audio-only MPEG-4 (iPhone voice memos, WeChat exports); an .mp4 video brand is refused.
    if (brand === 'M4A ' || brand === 'M4B ')
      return { mediaType: 'audio/mp4', extensions: ['m4a', 'm4b'], kind: 'audio' };
    return undefined;
  }
  if (ascii(b, 0, 'ID3')) return { mediaType: 'audio/mpeg', extensions: ['mp3'], kind: 'audio' };
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) {
    const layer = (b[1]! >> 1) & 0x03;
    const version = (b[1]! >> 3) & 0x03;
    // ADTS (raw AAC): the MPEG-4/2 sync word with layer 00.
    if ((b[1]! & 0xf6) === 0xf0) return { mediaType: 'audio/aac', extensions: ['aac'], kind: 'audio' };
    // An MPEG audio frame, layer III (MP3): version not reserved (01).
    if (layer === 0x01 && version !== 0x01) return { mediaType: 'audio/mpeg', extensions: ['mp3'], kind: 'audio' };
  }
  return undefined;
}

/**
 * A file name fit to keep and to send back: no path, no control or bidi characters, at most 200
 * characters; its extension made to agree with what the file is (`收据.jpg` that is a PDF becomes
 * `收据.jpg.pdf`), so that no program opens it as what it is not.
 */
export function safeFileName(raw: string | undefined, sniffed: Pick<Sniffed, 'extensions'>): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"<>|:*?]/g, '').trim();
  name = name.replace(/^\.+/, '');
  const chars = [...name];
  if (chars.length > 200) name = chars.slice(0, 200).join('');
  if (!name) name = '附件';
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  if (!ext || !sniffed.extensions.includes(ext)) name = `${name}.${sniffed.extensions[0]}`;
  return name;
}
