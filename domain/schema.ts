/**
 * The building blocks of the request schemas (TypeBox, JSON Schema at run time, TypeScript types at
 * compile time), here so that the action payloads' one definition can serve the HTTP boundary and
 * the workflow alike.
 */
import { Kind, Type, TypeRegistry, type TUnsafe } from '@sinclair/typebox';

/** A code of the directory (unit, agency): lower-case letters, digits and dashes. */
export const CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';

const STRING_ENUM = 'StringEnum';
// TypeBox's own checks (Value.Check, used by scripts) learn the kind; Fastify validates with Ajv.
if (!TypeRegistry.Has(STRING_ENUM)) {
  TypeRegistry.Set(
    STRING_ENUM,
    (schema: { enum: string[] }, value) => typeof value === 'string' && schema.enum.includes(value),
  );
}

/**
 * One of a list of strings, as JSON Schema's `enum` (TypeBox's README, "Unsafe"): not a union of
 * literals, whose `anyOf` fast-json-stringify serializes by trying each alternative with Ajv (a
 * case's `allowedActions` cost more to answer than the rest of it), and whose errors list every
 * alternative instead of saying once which values are allowed.
 */
export const stringEnum = <T extends string>(values: readonly T[], opts: object = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ [Kind]: STRING_ENUM, type: 'string', enum: [...values], ...opts });
