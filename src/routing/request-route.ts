import type { StatementClassification } from '../sql/types.js';

/**
 * The route of a whole request body, for the requests metric: a bounded label. `unknown` when a statement was not
 * understood (it went to the writer) and for requests refused before their statements were classified.
 */
export type RequestRoute = 'read' | 'write' | 'mixed' | 'session' | 'unknown';

export function requestRoute(plan: readonly { classification: StatementClassification }[]): RequestRoute {
  let reads = false;
  let writes = false;
  for (const { classification } of plan) {
    if (classification.unknown) return 'unknown';
    if (classification.route === 'read') reads = true;
    else if (classification.route === 'write') writes = true;
  }
  if (reads && writes) return 'mixed';
  if (reads) return 'read';
  if (writes) return 'write';
  return plan.length > 0 ? 'session' : 'unknown';
}
