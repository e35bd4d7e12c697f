import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { User } from '../../db/entities';
import type { StaffRole } from '../../db/entities/user.entity';
import type { Actor } from '../../domain/types';
import { STAFF_TOKEN_PREFIX, sha256Hex } from '../../security/credentials';
import { AppError } from '../errors';
import { sessionToken } from '../../security/session-cookie';
import { DEFAULT_SESSION_IDLE_SECONDS, sessionOver, touchIntervalMs } from '../sessions';

export type Principal =
  | {
      kind: 'staff';
      id: string;
      username: string;
      name: string;
      role: StaffRole;
      unitCode?: string;
      /** Path of the staff member's unit: they see its whole subtree. */
      unitPath?: string;
      agencyCode?: string;
      /** May affix the seal of their unit's committee (domain/committee.ts). */
      sealAuthorised?: boolean;
      /** The session's token hash (the sessions table's key): its alert streams close when it ends. */
      sessionHash?: string;
    }
  | {
      kind: 'integrator';
      id: string;
      name: string;
      areaPath?: string;
      /** The area grant lets it act (add notes, withdraw) on the area's cases, not only see them. */
      areaActions?: boolean;
    };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** The principal of a bearer credential (API key or staff token), if it is valid. */
    resolvePrincipal(token: string): Promise<Principal | undefined>;
  }
  interface FastifyContextConfig {
    /** Routes that need no credentials (health, docs, login). */
    public?: boolean;
    /** A POST that changes nothing and may also be called with the console's session cookie (the codec endpoint). */
    readsWithSession?: boolean;
  }
}

interface StaffRow {
  expires_at: Date | string;
  revoked_at: Date | string | null;
  last_seen_at: Date | string;
  id: string;
  username: string;
  display_name: string;
  role: StaffRole;
  unit_code: string | null;
  agency_code: string | null;
  active: boolean;
  unit_path: string | null;
  seal_authorised: boolean | null;
}

interface KeyRow {
  id: string;
  name: string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
  area_path: string | null;
  area_actions: boolean;
}

/** A signed-in staff member as the API sees them (`unitPath`: the path of their unit, if any). */
export function staffPrincipal(
  user: Pick<User, 'id' | 'username' | 'displayName' | 'role' | 'unitCode' | 'agencyCode'> & {
    sealAuthorised?: boolean | null;
  },
  unitPath: string | undefined,
): Extract<Principal, { kind: 'staff' }> {
  return {
    kind: 'staff',
    id: user.id,
    username: user.username,
    name: user.displayName,
    role: user.role,
    unitCode: user.unitCode ?? undefined,
    unitPath,
    agencyCode: user.agencyCode ?? undefined,
    ...(user.sealAuthorised ? { sealAuthorised: true } : {}),
  };
}

export function actorOf(p: Principal): Actor {
  return p.kind === 'staff'
    ? {
        type: 'staff',
        id: p.id,
        name: p.name,
        role: p.role,
        unitCode: p.unitCode,
        unitPath: p.unitPath,
        agencyCode: p.agencyCode,
        ...(p.sealAuthorised ? { sealAuthorised: true } : {}),
      }
    : { type: 'integrator', id: p.id, name: p.name, role: 'integrator' };
}

/** The principal of an authenticated route (the hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated');
  return request.principal;
}

/** A preHandler for the admin routes: administrators only. */
export async function requireAdmin(request: FastifyRequest): Promise<void> {
  const p = principalOf(request);
  if (p.kind !== 'staff' || p.role !== 'admin') throw new AppError('forbidden', 'administrators only');
}

export default fp<{ sessionIdleSeconds?: number }>(
  async (app, opts) => {
    const idleSeconds = opts.sessionIdleSeconds ?? DEFAULT_SESSION_IDLE_SECONDS;
    app.decorateRequest('principal', undefined);

    // One round trip per request: the credential joined with what the principal needs (user, unit
    // path, area path). Nothing is cached: a revoked key or ended session stops working at once.
    async function resolve(token: string): Promise<Principal | undefined> {
      const db = app.orm.em.getConnection();
      const hash = sha256Hex(token);
      if (token.startsWith(STAFF_TOKEN_PREFIX)) {
        const [row] = await db.execute<StaffRow[]>(
          `select s.expires_at, s.revoked_at, s.last_seen_at, u.id, u.username, u.display_name, u.role, u.unit_code, u.agency_code, u.active, u.seal_authorised, un.path as unit_path
             from sessions s join users u on u.id = s.user_id left join units un on un.code = u.unit_code
            where s.token_hash = ?`,
          [hash],
        );
        // Revoked, past its expiry, idle too long, or its user deactivated.
        if (!row || sessionOver(row, idleSeconds)) return undefined;
        // The idle timeout counts from the last request: written again once it is a little stale.
        const now = Date.now();
        if (now - new Date(row.last_seen_at).getTime() > touchIntervalMs(idleSeconds)) {
          await db.execute('update sessions set last_seen_at = ? where token_hash = ?', [new Date(now), hash]);
        }
        const user = {
          id: row.id,
          username: row.username,
          displayName: row.display_name,
          role: row.role,
          unitCode: row.unit_code ?? undefined,
          agencyCode: row.agency_code ?? undefined,
          sealAuthorised: row.seal_authorised,
        };
        return { ...staffPrincipal(user, row.unit_path ?? undefined), sessionHash: hash };
      }
      const [key] = await db.execute<KeyRow[]>(
        `select k.id, k.name, k.last_used_at, k.revoked_at, un.path as area_path, k.area_actions
           from api_keys k left join units un on un.code = k.area_code
          where k.key_hash = ?`,
        [hash],
      );
      if (!key || key.revoked_at) return undefined;
      const now = new Date();
      // last-used is informational: write it at most once a minute per key.
      if (!key.last_used_at || now.getTime() - new Date(key.last_used_at).getTime() > 60_000) {
        await db.execute('update api_keys set last_used_at = ? where id = ?', [now, key.id]);
      }
      return {
        kind: 'integrator',
        id: key.id,
        name: key.name,
        areaPath: key.area_path ?? undefined,
        areaActions: !!key.area_path && key.area_actions,
      };
    }

    app.decorate('resolvePrincipal', resolve);

    app.addHook('onRequest', async (request) => {
      // Under /open311 every route checks its own api_key (GeoReport GETs are public) and an unknown path answers the spec's 404.
      if (
        request.routeOptions.config?.public ||
        request.url.startsWith('/docs') ||
        /^\/open311(\/|\?|$)/.test(request.url)
      )
        return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S{16,512})$/i.exec(header) : null;
      // The console's session cookie reads the API (documents, the alert stream) but never changes
      // anything: writes need the bearer header, which another site's page cannot send.
      const reads =
        request.method === 'GET' || request.method === 'HEAD' || request.routeOptions.config?.readsWithSession === true;
      const cookie = !header && reads ? sessionToken(request) : undefined;
      if (!match && !cookie)
        throw new AppError('unauthenticated', 'send Authorization: Bearer <API key or staff token>');
      const principal = await resolve(match ? match[1]! : cookie!);
      if (!principal) throw new AppError('unauthenticated', 'the credentials are unknown, revoked or expired');
      request.principal = principal;
    });
  },
  { name: 'auth', dependencies: ['orm'] },
);
