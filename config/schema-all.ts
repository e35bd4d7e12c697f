/** Every declared variable (config/schema-vars*.ts) as one schema, and its validation (config/schema.ts). */
import { jsonSchemaOf, validateEnv, type VarSpec } from './schema';
import { CORE_VARS } from './schema-vars';
import { LOCAL_VARS } from './schema-vars-local';
import { NOTICE_VARS } from './schema-vars-notices';
import { OPS_VARS } from './schema-vars-ops';

function merged<A extends object, B extends object, C extends object, D extends object>(
  a: A,
  b: B,
  c: C,
  d: D,
): A & B & C & D {
  const twice = [a, b, c, d].flatMap((part) => Object.keys(part)).filter((name, i, all) => all.indexOf(name) !== i);
  if (twice.length) throw new Error(`configuration variables declared twice: ${twice.join(', ')}`);
  return { ...a, ...b, ...c, ...d };
}

export const VARIABLES = merged(CORE_VARS, NOTICE_VARS, LOCAL_VARS, OPS_VARS);
export type VariableName = keyof typeof VARIABLES;

/** The JSON Schema env-schema validates with (compiled once by its shared ajv instance). */
export const CONFIG_JSON_SCHEMA = jsonSchemaOf(VARIABLES as Record<string, VarSpec>);

export function validateConfigEnv(env: NodeJS.ProcessEnv) {
  return validateEnv(VARIABLES, CONFIG_JSON_SCHEMA, env);
}
