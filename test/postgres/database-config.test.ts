/** DATABASE_* variables as config/database.ts reads them: every problem named, in Chinese and English. */
import { parseDatabaseConfig } from '../../config/database';
import { ormOptions } from '../../db/orm';

const URL_ = 'postgres://u:p@db.example:5432/fengqiao';

function parse(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  return { config: parseDatabaseConfig(env, problems), problems };
}

it('reads the defaults: no TLS, pool 10, the listener on DATABASE_URL', () => {
  expect(parse({ DATABASE_URL: URL_ })).toEqual({
    config: { url: URL_, listenUrl: undefined, poolMax: 10, tls: { mode: 'disable' } },
    problems: [],
  });
});

it('takes sslmode and the CA from the URL or the environment; a CA alone means verify-full', () => {
  expect(parse({ DATABASE_URL: `${URL_}?sslmode=require` }).config.tls).toEqual({ mode: 'require' });
  expect(parse({ DATABASE_URL: URL_, DATABASE_SSL_CA: __filename }).config.tls).toEqual({
    mode: 'verify-full',
    caFile: __filename,
  });
  // libpq: require with a root certificate verifies it (verify-ca).
  expect(parse({ DATABASE_URL: `${URL_}?sslmode=require&sslrootcert=${__filename}` }).config.tls.mode).toBe(
    'verify-ca',
  );
  expect(parse({ DATABASE_URL: `${URL_}?ssl=true` }).config.tls.mode).toBe('verify-full');
});

it("honours libpq's PGSSLMODE and PGSSLROOTCERT when the URL says nothing (never silently plain)", () => {
  expect(parse({ DATABASE_URL: URL_, PGSSLMODE: 'verify-full' }).config.tls).toEqual({ mode: 'verify-full' });
  expect(parse({ DATABASE_URL: URL_, PGSSLMODE: 'require', PGSSLROOTCERT: __filename }).config.tls).toEqual({
    mode: 'verify-ca',
    caFile: __filename,
  });
  // The URL's own sslmode wins, as in libpq.
  expect(parse({ DATABASE_URL: `${URL_}?sslmode=disable`, PGSSLMODE: 'verify-full' }).config.tls.mode).toBe('disable');
});

it('names every problem: pool size, listen URL, sslmode, missing files, half a client certificate', () => {
  const { problems } = parse({
    DATABASE_URL: `${URL_}?sslmode=verify-ca`,
    DATABASE_LISTEN_URL: 'mysql://x@y/z',
    DATABASE_POOL_MAX: '500',
    DATABASE_SSL_CERT: '/nonexistent/client.crt',
  });
  expect(problems).toEqual([
    'DATABASE_LISTEN_URL 须以 postgres:// 开头 / DATABASE_LISTEN_URL must use postgres: or postgresql: (got mysql:)',
    'DATABASE_URL sslmode=verify-ca 须指定 CA 文件（DATABASE_SSL_CA 或 sslrootcert）/ DATABASE_URL sslmode=verify-ca needs a CA file (DATABASE_SSL_CA or sslrootcert)',
    '客户端证书与私钥须同时设置（DATABASE_SSL_CERT 与 DATABASE_SSL_KEY，或 sslcert 与 sslkey）/ the client certificate and key go together (DATABASE_SSL_CERT and DATABASE_SSL_KEY, or sslcert and sslkey)',
    'DATABASE_SSL_CERT 文件不存在或不可读 / DATABASE_SSL_CERT is not a readable file (got "/nonexistent/client.crt")',
    'DATABASE_POOL_MAX 须为 1 到 200 的整数 / DATABASE_POOL_MAX must be an integer from 1 to 200 (got "500")',
  ]);
  expect(parse({ DATABASE_URL: `${URL_}?sslmode=always` }).problems).toEqual([
    'DATABASE_URL 的 sslmode 须为 disable, prefer, require, verify-ca, verify-full 之一 / DATABASE_URL sslmode must be one of disable, prefer, require, verify-ca, verify-full (got "always")',
  ]);
});

it('the ORM refuses a DATABASE_POOL_MAX it used to read as NaN', () => {
  const before = process.env.DATABASE_POOL_MAX;
  process.env.DATABASE_POOL_MAX = 'ten';
  try {
    expect(() => ormOptions(URL_)).toThrow(/DATABASE_POOL_MAX must be an integer from 1 to 200 \(got "ten"\)/);
  } finally {
    if (before === undefined) delete process.env.DATABASE_POOL_MAX;
    else process.env.DATABASE_POOL_MAX = before;
  }
});
