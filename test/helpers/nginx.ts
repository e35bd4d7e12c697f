/**
 * A real reverse proxy for tests: Debian's nginx (nginx-light), run unprivileged from a temporary
 * prefix, in front of an API listening on loopback. Two listeners: TLS (a self-signed certificate
 * made with openssl for 127.0.0.1) and plain HTTP, both passing X-Forwarded-For (appended to what
 * the client sent, as nginx's $proxy_add_x_forwarded_for does), X-Forwarded-Proto (the scheme nginx
 * served) and X-Forwarded-Host. CI installs nginx-light, so there these tests always run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function findNginx(): string | undefined {
  const candidates = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/** openssl makes the proxy's certificate. */
function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const NGINX = findNginx();
/** Skipped where nginx or openssl is not installed, except in CI (CI=true), where they must run. */
export const describeBehindNginx = (NGINX && hasOpenssl()) || process.env.CI ? describe : describe.skip;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ReverseProxy {
  /** https://127.0.0.1:<port>: TLS ends at nginx, which says X-Forwarded-Proto: https. */
  tls: string;
  /** http://127.0.0.1:<port>: the same proxy without TLS. */
  plain: string;
  /** The proxy's certificate, for clients to trust. */
  ca: Buffer;
  stop(): Promise<void>;
}

export async function startNginx(upstreamPort: number): Promise<ReverseProxy> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx-light, or set NGINX_PATH)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fq-nginx-'));
  // nginx's workers run as nobody when the tests run as root: they must reach the prefix.
  chmodSync(dir, 0o755);
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const forward = `
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;`;
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {${forward}
    }
  }
  server {
    listen 127.0.0.1:${plainPort};
    location / {${forward}
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    { stdio: 'ignore' },
  );
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(tlsPort)) || !(await accepts(plainPort))) {
    if (exited !== undefined || Date.now() > deadline) {
      const log = existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      await stop();
      throw new Error(`nginx did not start (exit ${exited}): ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    tls: `https://127.0.0.1:${tlsPort}`,
    plain: `http://127.0.0.1:${plainPort}`,
    ca: readFileSync(path.join(dir, 'cert.pem')),
    stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP(S) request from a chosen loopback address (`from`, e.g. 127.0.0.5: each is a different
 * client as nginx sees it). `stream`: resolve with the headers only, then drop the connection.
 */
export function request(
  url: string,
  opts: {
    from?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    ca?: Buffer;
    stream?: boolean;
  } = {},
): Promise<Answer> {
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers:
          opts.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(opts.body)), ...opts.headers }
            : opts.headers,
        localAddress: opts.from,
        ca: opts.ca,
        agent: false,
      },
      (res) => {
        if (opts.stream) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
