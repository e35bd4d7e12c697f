/**
 * What a database error may say where people and other systems read it (logs, Temporal's history).
 *
 * The driver's message is not it: knex puts the whole statement with its values inlined in front of
 * PostgreSQL's message (`insert into disputes … values (…, '{"parties":[{"name":…,"phone":…}]}') -
 * …`), MikroORM's DriverException keeps that message and appends `detail` and `hint`, and the fields
 * PostgreSQL adds may hold values too: `detail` (`Key (id)=(…)`, `Failing row contains (…)`),
 * `where` (`JSON data, line 1: …`), `internalQuery`. What stays is the class of the error, its
 * SQLSTATE and the names of the table, column and constraint: enough to find the cause, no data.
 */
import { DriverException } from '@mikro-orm/core';
import { DatabaseError } from 'pg';

export interface DatabaseErrorSummary {
  /** MikroORM's class (UniqueConstraintViolationException, ConnectionException, …) or the driver's. */
  type: string;
  sqlState?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_$.]{0,62}$/;

/** The summary of a database error (MikroORM's or pg's, or one wrapping it as `cause`); undefined for any other error. */
export function databaseError(err: unknown): DatabaseErrorSummary | undefined {
  for (let e = err, depth = 0; e && depth < 4; depth++, e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof DriverException) && !(e instanceof DatabaseError)) continue;
    const fields = e as unknown as Record<string, unknown>;
    const name = (key: string) => (typeof fields[key] === 'string' && NAME.test(fields[key]) ? fields[key] : undefined);
    const code = [fields.sqlState, fields.code].find((c): c is string => typeof c === 'string' && SQLSTATE.test(c));
    return {
      type: e instanceof DriverException ? e.name : 'DatabaseError',
      ...(code ? { sqlState: code } : {}),
      ...(name('table') ? { table: name('table') } : {}),
      ...(name('column') ? { column: name('column') } : {}),
      ...(name('constraint') ? { constraint: name('constraint') } : {}),
    };
  }
  return undefined;
}

/** What it says, in Chinese and in English: `SQLSTATE 23505，表 disputes，约束 disputes_pkey`. */
export function describeDatabaseError(s: DatabaseErrorSummary): { zh: string; en: string } {
  const parts = (table: string, column: string, constraint: string, sep: string) =>
    [
      s.sqlState && `SQLSTATE ${s.sqlState}`,
      s.table && `${table} ${s.table}`,
      s.column && `${column} ${s.column}`,
      s.constraint && `${constraint} ${s.constraint}`,
    ]
      .filter(Boolean)
      .join(sep) || s.type;
  return { zh: parts('表', '列', '约束', '，'), en: parts('table', 'column', 'constraint', ', ') };
}

/**
 * For the logs' error serializer (security/log-masking.ts): a database error as its summary and the
 * frames of its stack (whose first line would repeat the message); undefined for other errors.
 */
export function databaseErrorForLog(err: unknown): Record<string, unknown> | undefined {
  const s = databaseError(err);
  if (!s) return undefined;
  const frames = err instanceof Error ? (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return { ...s, message: describeDatabaseError(s).en, stack: frames.join('\n') };
}
