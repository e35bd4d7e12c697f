import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { ApiKey, Session, Unit, User } from '../../db/entities';
import type { StaffRole } from '../../db/entities/user.entity';
import type { Actor } from '../../domain/types';
import { STAFF_TOKEN_PREFIX, sha256Hex } from '../../security/credentials';
import { AppError } from '../errors';
import { sessionToken } from '../console/session';

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
    }
  | { kind: 'integrator'; id: string; name: string; areaPath?: string };

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
  }
}

/** A signed-in staff member as the API sees them (`unitPath`: the path of their unit, if any). */
export function staffPrincipal(user: User, unitPath: string | undefined): Principal {
  return {
    kind: 'staff',
    id: user.id,
    username: user.username,
    name: user.displayName,
    role: user.role,
    unitCode: user.unitCode ?? undefined,
    unitPath,
    agencyCode: user.agencyCode ?? undefined,
  };
}

export function actorOf(p: Principal): Actor {
  return p.kind === 'staff'
    ? { type: 'staff', id: p.id, name: p.name, role: p.role, unitCode: p.unitCode, unitPath: p.unitPath, agencyCode: p.agencyCode }
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

export default fp(
  async (app) => {
    app.decorateRequest('principal', undefined);

    async function resolve(token: string): Promise<Principal | undefined> {
      const em = app.orm.em.fork();
      const hash = sha256Hex(token);
      if (token.startsWith(STAFF_TOKEN_PREFIX)) {
        const session = await em.findOne(Session, { tokenHash: hash });
        if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return undefined;
        const user = await em.findOne(User, { id: session.userId });
        if (!user?.active) return undefined;
        const unit = user.unitCode ? await em.findOne(Unit, { code: user.unitCode }) : null;
        return staffPrincipal(user, unit?.path);
      }
      const key = await em.findOne(ApiKey, { keyHash: hash });
      if (!key || key.revokedAt) return undefined;
      const now = new Date();
      // last-used is informational: write it at most once a minute per key.
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
        await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
      }
      const area = key.areaCode ? await em.findOne(Unit, { code: key.areaCode }) : null;
      return { kind: 'integrator', id: key.id, name: key.name, areaPath: area?.path };
    }

    app.decorate('resolvePrincipal', resolve);

    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.public || request.url.startsWith('/docs')) return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer\s+(\S{16,512})$/i.exec(header) : null;
      // The console's session cookie reads the API (documents, the alert stream) but never changes
      // anything: writes need the bearer header, which another site's page cannot send.
      const cookie = !header && (request.method === 'GET' || request.method === 'HEAD') ? sessionToken(request) : undefined;
      if (!match && !cookie) throw new AppError('unauthenticated', 'send Authorization: Bearer <API key or staff token>');
      const principal = await resolve(match ? match[1]! : cookie!);
      if (!principal) throw new AppError('unauthenticated', 'the credentials are unknown, revoked or expired');
      request.principal = principal;
    });
  },
  { name: 'auth', dependencies: ['orm'] },
);
