import { ChgateError } from '../errors/error-catalogue.js';
import { splitStatements } from '../sql/split-statements.js';
import type { SqlClassifier } from '../sql/create-sql-classifier.js';
import type { RouteContext } from './decide-route.js';
import { planBody, type PlannedStatement } from './plan-body.js';

/**
 * Finds and decides the statements of a request. `head` is handled as latin1 so that string offsets are byte
 * offsets: statements are forwarded as the exact bytes the client sent, binary INSERT data included.
 * `isComplete` false means more body follows `head`; then only the last statement's inline data may continue.
 */
export function planRequest(
  head: Buffer,
  isComplete: boolean,
  classifier: SqlClassifier,
  context: RouteContext,
): PlannedStatement[] {
  const slices = splitStatements(head.toString('latin1'));
  if (slices.length === 0) throw new ChgateError('SYNTAX_ERROR', 'Empty query');
  const last = slices[slices.length - 1];
  if (!isComplete && !last?.data) {
    throw new ChgateError(
      'QUERY_IS_TOO_LARGE',
      `the statements of a request must fit in the first ${head.length} bytes (server.max_query_head_bytes); only INSERT data may follow them`,
    );
  }
  const classifications = slices.map((slice) => classifier.classify(Buffer.from(slice.sql, 'latin1').toString('utf8')));
  return planBody(slices, classifications, context);
}
