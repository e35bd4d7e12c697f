/**
 * TLS on the machine's PostgreSQL for the duration of a test: a CA, a server certificate for 127.0.0.1/localhost,
 * a client certificate (CN=postgres) and a second, unrelated CA, made with openssl under
 * /var/lib/postgresql/fengqiao-test-tls/ (owned by postgres, keys 0600); `ALTER SYSTEM SET ssl…` and a reload.
 * restore() puts back what postgresql.auto.conf said before (RESET, or the earlier values), reloads, waits until
 * the server answers as before, and only then removes the files. Needs root (to hand the files to postgres) and a
 * superuser connection (trust auth on 127.0.0.1, as on the CI machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, type ClientConfig } from 'pg';

export const TLS_DIR = '/var/lib/postgresql/fengqiao-test-tls';
const SETTINGS = ['ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file'] as const;

export interface TlsFiles {
  ca: string;
  wrongCa: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCertificates(dir: string): TlsFiles {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string, cn: string) =>
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
      ].concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
      dir,
    );
  ca('ca', 'Fengqiao test CA');
  ca('wrong-ca', 'Some other CA');
  const leaf = (name: string, cn: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
      ].concat(['-out', `${name}.crt`, '-extfile', `${name}.ext`]),
      dir,
    );
  };
  leaf(
    'server',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  leaf('client', 'postgres', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  for (const key of ['ca.key', 'wrong-ca.key', 'server.key', 'client.key'])
    execFileSync('chmod', ['0600', key], { cwd: dir });
  return {
    ca: path.join(dir, 'ca.crt'),
    wrongCa: path.join(dir, 'wrong-ca.crt'),
    clientCert: path.join(dir, 'client.crt'),
    clientKey: path.join(dir, 'client.key'),
  };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>, ssl: ClientConfig['ssl'] = false): Promise<T> {
  const c = new Client({ connectionString: url, ssl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`PostgreSQL: ${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TlsServer {
  files: TlsFiles;
  restore(): Promise<void>;
}

/** Turns TLS on; `adminUrl` is a superuser's plain connection (postgres://postgres@127.0.0.1:5432/postgres). */
export async function enableServerTls(adminUrl: string): Promise<TlsServer> {
  const before = await withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ name: string; setting: string }>(
      `select name, setting from pg_file_settings where sourcefile like '%postgresql.auto.conf' and name = any($1)`,
      [SETTINGS],
    );
    // A run killed before restore() left its own settings: those are not what to go back to.
    const leftover = rows.some((r) => r.setting.startsWith(TLS_DIR));
    return new Map(leftover ? [] : rows.map((r) => [r.name, r.setting]));
  });
  const files = makeCertificates(TLS_DIR);
  const restore = async () => {
    await withClient(adminUrl, async (c) => {
      for (const name of SETTINGS) {
        const old = before.get(name);
        await c.query(old === undefined ? `alter system reset ${name}` : `alter system set ${name} = '${old}'`);
      }
      await c.query('select pg_reload_conf()');
    });
    const sslBefore = before.get('ssl') ?? 'off';
    await waitFor(`ssl back to ${sslBefore}`, () =>
      withClient(adminUrl, async (c) => (await c.query('show ssl')).rows[0].ssl === sslBefore),
    );
    if (!before.has('ssl_cert_file') && !before.has('ssl_key_file')) rmSync(TLS_DIR, { recursive: true, force: true });
  };
  try {
    await withClient(adminUrl, async (c) => {
      await c.query(`alter system set ssl_cert_file = '${TLS_DIR}/server.crt'`);
      await c.query(`alter system set ssl_key_file = '${TLS_DIR}/server.key'`);
      await c.query(`alter system set ssl_ca_file = '${TLS_DIR}/ca.crt'`);
      await c.query(`alter system set ssl = on`);
      await c.query('select pg_reload_conf()');
    });
    await waitFor('TLS on after pg_reload_conf() (see the server log)', () =>
      withClient(adminUrl, async (c) => (await c.query('show ssl')).rows[0].ssl === 'on', {
        rejectUnauthorized: false,
      }),
    );
  } catch (err) {
    await restore();
    throw err;
  }
  return { files, restore };
}
