/**
 * The attachment store's configuration from the environment (config/env.ts calls it; storage/ builds the store):
 * ATTACHMENT_STORE=pg|s3 (default pg); with s3: S3_BUCKET (required), S3_REGION (default us-east-1),
 * S3_ENDPOINT (an S3-compatible server's URL; default AWS), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY
 * (both or neither: neither uses the SDK's default credential chain), S3_FORCE_PATH_STYLE (true for
 * MinIO and most S3-compatible servers). Limits: ATTACHMENT_MAX_BYTES (default 10 MiB) per file,
 * ATTACHMENT_MAX_PER_CASE (default 30).
 */
export interface S3StoreConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

export interface AttachmentConfig {
  store: 'pg' | 's3';
  s3?: S3StoreConfig;
  maxBytes: number;
  maxPerCase: number;
}

export const DEFAULT_ATTACHMENT_LIMITS = { maxBytes: 10 * 1024 * 1024, maxPerCase: 30 };

export function parseAttachmentConfig(env: NodeJS.ProcessEnv, problems: string[]): AttachmentConfig {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(
      `${name} 须为 ${min} 到 ${max} 的整数 / ${name} must be an integer from ${min} to ${max} (got "${raw}")`,
    );
    return fallback;
  };
  const maxBytes = int('ATTACHMENT_MAX_BYTES', DEFAULT_ATTACHMENT_LIMITS.maxBytes, 1024, 1024 * 1024 * 1024);
  const maxPerCase = int('ATTACHMENT_MAX_PER_CASE', DEFAULT_ATTACHMENT_LIMITS.maxPerCase, 1, 1000);
  const store = (env.ATTACHMENT_STORE || 'pg').trim();
  if (store !== 'pg' && store !== 's3') {
    problems.push(`ATTACHMENT_STORE 须为 pg 或 s3 / ATTACHMENT_STORE must be pg or s3 (got "${store}")`);
    return { store: 'pg', maxBytes, maxPerCase };
  }
  if (store === 'pg') return { store, maxBytes, maxPerCase };
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) problems.push('ATTACHMENT_STORE=s3 须设置 S3_BUCKET / S3_BUCKET is required with ATTACHMENT_STORE=s3');
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  if (endpoint) {
    try {
      const u = new URL(endpoint);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      problems.push(`S3_ENDPOINT 须为 http(s) 地址 / S3_ENDPOINT must be an http(s) URL (got "${endpoint}")`);
    }
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey)
    problems.push(
      'S3_ACCESS_KEY_ID 与 S3_SECRET_ACCESS_KEY 须同时设置或同时不设 / S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
    );
  const rawPathStyle = env.S3_FORCE_PATH_STYLE ?? '';
  if (!['', 'true', 'false'].includes(rawPathStyle))
    problems.push(`S3_FORCE_PATH_STYLE must be true or false (got "${rawPathStyle}")`);
  return {
    store,
    maxBytes,
    maxPerCase,
    s3: {
      bucket: bucket ?? '',
      region: env.S3_REGION?.trim() || 'us-east-1',
      endpoint,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: rawPathStyle === 'true',
    },
  };
}
