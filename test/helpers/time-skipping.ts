/**
 * The time-skipping test server (from the PyPI wheel, never downloaded at run time) with the
 * dispute workflow's search attributes registered, as a cluster would have them.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../../temporal/tools';
import { SEARCH_ATTRIBUTES } from '../../workflows/dispute.messages';

/** Temporal's IndexedValueType numbers, by the names SEARCH_ATTRIBUTES uses. */
const INDEXED_VALUE_TYPE: Record<string, number> = {
  KEYWORD: 2,
  BOOL: 5,
  DATETIME: 6,
  INT: 3,
  DOUBLE: 4,
  TEXT: 1,
  KEYWORD_LIST: 7,
};

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  // The test server knows no custom search attributes until they are registered.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!])),
  });
  return env;
}
