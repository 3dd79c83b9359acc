import { readsOutsideData } from './function-catalog.js';
import type { QualifiedName } from './names.js';

/** Databases whose tables describe the server itself: never cached. */
const SERVER_STATE_DATABASES = new Set(['system', 'information_schema']);

/** What the parsers learn about one statement while they walk it. */
export class StatementFacts {
  readonly tablesRead = new Set<string>();
  readonly tablesWritten = new Set<string>();
  readonly tableFunctions = new Set<string>();
  readonly dictionaries = new Set<string>();
  readonly databasesWritten = new Set<string>();
  /** Query parameter names (`{name:Type}`). */
  readonly parameters = new Set<string>();
  /** A function whose result differs between runs (now, rand, currentUser, ...). */
  nonDeterministic = false;
  /** A system. or information_schema table. */
  readsServerState = false;
  /** A table function (url, s3, remote, merge, ...) or a function (file, hasColumnInTable) reading outside data. */
  readsOutsideData = false;
  /** A table named only at run time (`{t:Identifier}`), so the set of tables is not known. */
  hasUnresolvedTable = false;

  noteTableRead(name: QualifiedName): void {
    this.tablesRead.add(name.text);
    if (name.database !== undefined && SERVER_STATE_DATABASES.has(name.database.toLowerCase())) {
      this.readsServerState = true;
    }
  }

  noteTableWritten(name: QualifiedName): void {
    this.tablesWritten.add(name.text);
  }

  noteTableFunction(name: string): void {
    this.tableFunctions.add(name);
    if (readsOutsideData(name)) this.readsOutsideData = true;
  }
}

/**
 * Names a query defines for itself: CTE names (`WITH name AS (subquery)`) and WITH aliases
 * (`WITH expr AS name`). A bare name found in one of these is not a table. Scopes nest:
 * a subquery sees the names of the queries around it.
 */
export class NameScope {
  private readonly names = new Set<string>();

  constructor(private readonly parent?: NameScope) {}

  define(name: string): void {
    this.names.add(name);
  }

  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }

  child(): NameScope {
    return new NameScope(this);
  }
}
