import type { StatementClassification } from '../../src/sql/types.js';

/** A classification for routing tests: a plain cacheable read unless overridden. */
export function classification(overrides: Partial<StatementClassification>): StatementClassification {
  return {
    type: 'select',
    route: 'read',
    tablesRead: [],
    tablesWritten: [],
    tableFunctions: [],
    dictionaries: [],
    databasesWritten: [],
    cacheable: true,
    unknown: false,
    normalized: '',
    fingerprint: '',
    ...overrides,
  };
}
