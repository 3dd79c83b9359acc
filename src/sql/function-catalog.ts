/**
 * What chgate must know about ClickHouse functions to decide whether a result may be cached.
 * Names are compared lower-cased: most of these are registered case-insensitively, and for the
 * rest a false match only costs a cache miss.
 */

/**
 * Functions whose result changes between two runs of the same query: ClickHouse's own
 * "not deterministic" category (time, randomness, identity of the server/user/query, block
 * and row position), plus functions that read state outside the query (settings, files,
 * table metadata). Any of these makes a read uncacheable.
 */
const NON_DETERMINISTIC = new Set([
  // time
  'now', 'now64', 'nowinblock', 'nowinblock64', 'today', 'yesterday', 'current_timestamp', 'current_date',
  'localtimestamp', 'sysdate', 'utc_timestamp', 'utctimestamp',
  // randomness
  'rand', 'rand32', 'rand64', 'randconstant', 'randcanonical', 'randuniform', 'randnormal', 'randlognormal',
  'randexponential', 'randchisquared', 'randstudentt', 'randfisherf', 'randbernoulli', 'randbinomial',
  'randnegativebinomial', 'randpoisson', 'generateuuidv4', 'generateuuidv7', 'generateulid',
  'generatesnowflakeid', 'generateserialid', 'randomstring', 'randomfixedstring', 'randomprintableascii',
  'randomstringutf8', 'fuzzbits', 'arrayshuffle', 'arraypartialshuffle', 'arrayrandomsample',
  'generaterandomstructure',
  // who and where
  'currentuser', 'current_user', 'user', 'currentdatabase', 'current_database', 'database', 'schema',
  'currentschemas', 'current_schemas', 'currentroles', 'enabledroles', 'defaultroles', 'currentprofiles',
  'enabledprofiles', 'defaultprofiles', 'queryid', 'query_id', 'initialqueryid', 'initial_query_id',
  'initialquerystarttime', 'hostname', 'fqdn', 'fullhostname', 'serveruuid', 'uptime', 'version', 'revision',
  'buildid', 'timezone', 'servertimezone', 'displayname', 'getsetting', 'getsettingordefault',
  'getserversetting', 'getmergetreesetting', 'getmacro', 'shardnum', 'shardcount', 'tcpport',
  'filesystemavailable', 'filesystemcapacity', 'filesystemunreserved', 'filesystemfree', 'getoskernelversion',
  'zookeepersessionuptime', 'connectionid', 'connection_id', 'getclienthttpheader', 'showcertificate',
  'globalvariable', 'transactionid', 'transactionlatestsnapshot', 'transactionoldestsnapshot',
  // position within the stream of blocks
  'rownumberinblock', 'rownumberinallblocks', 'blocknumber', 'blocksize', 'blockserializedsize',
  'runningdifference', 'runningdifferencestartingwithfirstvalue', 'runningaccumulate', 'runningconcurrency',
  'neighbor',
  // side effects and outside state
  'sleep', 'sleepeachrow', 'file', 'hascolumnintable',
]);

/**
 * The non-deterministic functions above that read data outside the query (a file, another table's metadata): a
 * short TTL does not make them safe to cache, so a cache rule cannot lift them.
 */
const OUTSIDE_DATA_FUNCTIONS = new Set(['file', 'hascolumnintable']);

/** Table functions whose rows depend only on their arguments: everything else reads outside data. */
const SELF_CONTAINED_TABLE_FUNCTIONS = new Set([
  'numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'values', 'null', 'view', 'viewifpermitted', 'format',
  'generate_series', 'generateseries', 'primes', 'dictionary',
]);

export function isNonDeterministicFunction(name: string): boolean {
  return NON_DETERMINISTIC.has(name.toLowerCase());
}

/** file(), hasColumnInTable(): functions (not table functions) reading outside data. Each is also non-deterministic. */
export function isOutsideDataFunction(name: string): boolean {
  return OUTSIDE_DATA_FUNCTIONS.has(name.toLowerCase());
}

/**
 * True for table functions that read outside data (url, file, s3, remote, mysql, merge, ...)
 * or produce random rows (generateRandom): their results must not be cached. Unknown table
 * functions count as outside data.
 */
export function readsOutsideData(tableFunction: string): boolean {
  return !SELF_CONTAINED_TABLE_FUNCTIONS.has(tableFunction.toLowerCase());
}

/** dictGet, dictGetOrDefault, dictGetString, dictHas, dictIsIn, dictGetHierarchy, ... */
export function isDictionaryFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('dictget') || lower === 'dicthas' || lower === 'dictisin';
}

/** joinGet('join_table', ...) reads a Join-engine table named by its first argument. */
export function isJoinGetFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'joinget' || lower === 'joingetornull';
}
