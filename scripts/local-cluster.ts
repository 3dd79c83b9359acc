/**
 * A real local ClickHouse cluster for the demo, the integration tests and the benchmark:
 * one ZooKeeper, one writer and N read replicas, each a `clickhouse-server` process from Debian's package with its own
 * generated config, ports and data directory. Nothing here touches a system service.
 *
 * Ports are derived from `basePort` so several clusters (demo, tests, bench) can run at once:
 *   ZooKeeper                    basePort
 *   node i (0 = writer, 1.. = replicaN)  http basePort + 10(i+1), tcp +1, interserver +2
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { chgateProcessEnv } from './chgate-process-env.js';

export const CLUSTER_NAME = 'chgate_local';
export const SAMPLE_TABLE = 'default.table_name';
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** Optional jars that give ZooKeeper a log file (Debian's libslf4j-java / liblog4j1.2-java, pulled in by zookeeper). */
const ZOOKEEPER_LOG_JARS = ['/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar'];
const STATE_FILE = 'cluster-state.json';

export type NodeRole = 'writer' | 'replica';

export interface Credentials {
  user: string;
  password: string;
}

export interface ClusterNode {
  name: string;
  role: NodeRole;
  host: string;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  /** `http://127.0.0.1:<httpPort>` */
  url: string;
  dir: string;
  logFile: string;
  pid: number;
}

export interface LocalCluster {
  baseDir: string;
  clusterName: string;
  sampleTable: string;
  nodes: ClusterNode[];
  writer: ClusterNode;
  replicas: ClusterNode[];
  zookeeper: { host: string; port: number; pid: number; dir: string; logFile: string };
  users: { writer: Credentials; reader: Credentials; admin: Credentials };
  /** Every server process: ZooKeeper first, then the nodes. */
  pids: number[];
  /** Milliseconds from the call to startLocalCluster until the sample table had replicated. */
  startupMs: number;
  /** SIGTERM every process, SIGKILL after the stop timeout, wait for all to exit. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL every process synchronously: for `process.on('exit')`, where nothing async can run. */
  killSync(): void;
}

export interface LocalClusterOptions {
  /** Config and data root; wiped and re-created on start. */
  baseDir: string;
  basePort: number;
  /** Read replicas besides the writer. Default 2. */
  replicas?: number;
  log?: (message: string) => void;
  /** Whole startup, including the sample table. Default 90 s. */
  startTimeoutMs?: number;
  /** Per process, from SIGTERM to SIGKILL. Default 15 s. */
  stopTimeoutMs?: number;
  /** Create and fill `default.table_name`. Default true. */
  sampleTable?: boolean;
  /**
   * A detached `sh` that stops the cluster if this process dies without running its handlers (SIGKILL).
   * Default true.
   */
  watchdog?: boolean;
  /** Default: $CHGATE_CLICKHOUSE_SERVER, /usr/sbin/clickhouse-server (Debian), or clickhouse-server on PATH. */
  clickhouseServer?: string;
}

export const LOCAL_USERS = {
  writer: { user: 'chgate_writer', password: 'writer-secret' },
  reader: { user: 'chgate_reader', password: 'reader-secret' },
  admin: { user: 'default', password: '' },
} as const satisfies LocalCluster['users'];

/** A read user whose profile has readonly = 1: it may set no setting in the URL (tests of chgate's fallbacks). */
export const STRICT_READ_USER = { user: 'chgate_strict_reader', password: 'strict-secret' } as const;

export const SAMPLE_ROWS = [
  { id: 1, name: 'alpha', value: 1.5 },
  { id: 2, name: 'beta', value: 2.5 },
  { id: 3, name: 'gamma', value: 3.5 },
] as const;

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers

export interface QueryOptions {
  user?: string;
  password?: string;
  /** ClickHouse settings and other URL parameters (`database`, `default_format`, `max_execution_time`, ...). */
  params?: Record<string, string | number>;
  /** POST body sent after the SQL (INSERT data). With `method: 'GET'` the SQL goes in `?query=`. */
  data?: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface NodeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The body ClickHouse sent with a non-200 status. `code` is ClickHouse's error code when the body has one. */
export class ClickHouseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly body: string,
    readonly nodeName: string,
  ) {
    super(`ClickHouse ${nodeName} answered HTTP ${status}: ${body.trim()}`);
    this.name = 'ClickHouseHttpError';
  }
}

type NodeTarget = Pick<ClusterNode, 'url'> & { name?: string };

/** One HTTP request to a node; never throws on a ClickHouse error status. SQL in the POST body unless GET. */
export async function requestNode(node: NodeTarget, sql: string, options: QueryOptions = {}): Promise<NodeResponse> {
  const url = new URL('/', node.url);
  for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, String(value));
  const method = options.method ?? 'POST';
  let body: string | undefined;
  if (method === 'GET') url.searchParams.set('query', sql);
  else if (options.data === undefined) body = sql;
  else {
    url.searchParams.set('query', sql);
    body = options.data;
  }
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== undefined) {
    headers['x-clickhouse-user'] = options.user;
    headers['x-clickhouse-key'] = options.password ?? '';
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await request(url, {
    method,
    headers,
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** Runs `sql` on a node and returns the response text; throws ClickHouseHttpError on a non-200 status. */
export async function queryNode(node: NodeTarget, sql: string, options: QueryOptions = {}): Promise<string> {
  const response = await requestNode(node, sql, options);
  if (response.status !== 200) {
    throw new ClickHouseHttpError(response.status, parseErrorCode(response.body), response.body, node.name ?? node.url);
  }
  return response.body;
}

/** `Code: 164, e.displayText() = ...` (18.16) or `Code: 164. DB::Exception: ...` (newer). */
export function parseErrorCode(body: string): number | undefined {
  const match = /Code: (\d+)/.exec(body);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Polls `check` until it returns a value other than undefined/false, or throws the last error after the timeout. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
      if (error instanceof FatalWaitError) throw error.cause;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** Thrown inside a waitUntil check to stop waiting at once (a process died). */
class FatalWaitError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** stdout/stderr of the process. */
  logFile: string;
  /** The process's own log files, tailed (after logFile) in startup errors. */
  diagnosticLogs: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

/**
 * Spawns a server in its own process group (so a Ctrl-C meant for the parent does not race our orderly stop),
 * stdout/stderr appended to `logFile`.
 */
export function spawnLogged(
  name: string,
  command: string,
  args: string[],
  {
    cwd,
    logFile,
    env,
    diagnosticLogs = [],
  }: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv; diagnosticLogs?: string[] },
): ManagedProcess {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolveExit({ code, signal });
    });
    child.once('error', () => {
      // spawn failure (ENOENT): 'exit' may never come
      done = true;
      resolveExit({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  return { name, pid: child.pid, child, logFile, diagnosticLogs, exited, hasExited: () => done };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process has exited. */
export async function stopManagedProcess(proc: ManagedProcess, timeoutMs: number): Promise<void> {
  if (proc.hasExited()) return;
  signalGroup(proc.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(proc.pid, 'SIGKILL'), timeoutMs);
  try {
    await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is alive and its command line contains `marker` (guards against a recycled pid). */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Stops processes this code did not spawn in this process (found in a pid file): SIGTERM each whose command line
 * still contains its marker, SIGKILL after `timeoutMs`, wait until gone.
 */
export async function stopRecordedProcesses(
  processes: ReadonlyArray<{ pid: number; marker: string }>,
  timeoutMs = 15_000,
): Promise<number[]> {
  const seen = new Set<number>();
  const ours = processes.filter((p) => !seen.has(p.pid) && seen.add(p.pid) && isOurProcess(p.pid, p.marker));
  // isOurProcess, not isAlive: a zombie waiting for its parent to reap it has an empty command line.
  const running = () => ours.filter((p) => isOurProcess(p.pid, p.marker));
  for (const p of ours) signalGroup(p.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (running().length > 0 && Date.now() < deadline) await sleep(100);
  for (const p of running()) signalGroup(p.pid, 'SIGKILL');
  while (running().length > 0 && Date.now() < deadline + 5_000) await sleep(50);
  return ours.map((p) => p.pid);
}

export function tailFile(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `GET <url>/ping`-style endpoints until HTTP 200, failing early if `proc` exits. */
export async function waitForHttpOk(url: string, proc: ManagedProcess | undefined, timeoutMs: number): Promise<void> {
  await waitForProcess(proc, `${proc?.name ?? url} to answer ${url}`, timeoutMs, async () => {
    const response = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
    await response.body.text();
    return response.statusCode === 200;
  });
}

/**
 * waitUntil for a process we started: stops at once if it exits, and either way the error carries the tail of its
 * logs, so a failed start explains itself.
 */
async function waitForProcess(
  proc: ManagedProcess | undefined,
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  try {
    await waitUntil(
      what,
      async () => {
        if (proc?.hasExited()) throw new FatalWaitError(new Error(`${proc.name} (pid ${proc.pid}) exited during startup`));
        return check();
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    if (proc === undefined) throw error;
    const logs = [proc.logFile, ...proc.diagnosticLogs].map((file) => `--- ${file}\n${tailFile(file)}`).join('\n');
    throw new Error(`${(error as Error).message}; last log lines:\n${logs}`);
  }
}

export async function assertPortsFree(ports: number[], host = '127.0.0.1'): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolveFree, reject) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `port ${host}:${port} is already in use (a cluster left running? see: ss -ltnp 'sport = :${port}')`
              : `cannot bind ${host}:${port}: ${error.message}`,
          ),
        );
      });
      server.listen(port, host, () => server.close(() => resolveFree()));
    });
  }
}

/** Missing programs or files this machine needs to run a local cluster (empty when ready). */
export function findMissingPrerequisites(clickhouseServer = findClickHouseServer()): string[] {
  const missing: string[] = [];
  if (clickhouseServer === undefined || !existsSync(clickhouseServer)) missing.push('clickhouse-server');
  if (!existsSync(ZOOKEEPER_JAR)) missing.push(`zookeeper (${ZOOKEEPER_JAR})`);
  if (!findOnPath('java')) missing.push('java');
  return missing;
}

/** One clickhouse-server process on a node directory's own config.xml. */
function spawnNode(name: string, dir: string, clickhouseServer: string): ManagedProcess {
  return spawnLogged(name, clickhouseServer, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    logFile: join(dir, 'log', 'stdout.log'),
    diagnosticLogs: [join(dir, 'log', 'clickhouse-server.err.log')],
  });
}

/**
 * Starts a node again after a test killed it: same config file, data and ports. The caller owns the returned
 * process (the cluster's stop() still knows only the original pid).
 */
export function restartNode(node: Pick<ClusterNode, 'name' | 'dir'>): ManagedProcess {
  return spawnNode(node.name, node.dir, findClickHouseServer() ?? 'clickhouse-server');
}

/** Sends a signal to a process that may already be gone. */
export function signalProcess(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export function findClickHouseServer(): string | undefined {
  const debian = '/usr/sbin/clickhouse-server';
  return process.env.CHGATE_CLICKHOUSE_SERVER ?? (existsSync(debian) ? debian : findOnPath('clickhouse-server'));
}

function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Config files

interface NodePlan {
  name: string;
  role: NodeRole;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  dir: string;
}

function planNodes(baseDir: string, basePort: number, replicas: number): NodePlan[] {
  const names = ['writer', ...Array.from({ length: replicas }, (_, i) => `replica${i + 1}`)];
  return names.map((name, i) => {
    const http = basePort + 10 * (i + 1);
    return {
      name,
      role: i === 0 ? 'writer' : 'replica',
      httpPort: http,
      tcpPort: http + 1,
      interserverPort: http + 2,
      dir: join(baseDir, name),
    };
  });
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderServerConfig(node: NodePlan, all: NodePlan[], zookeeperPort: number): string {
  const replicas = all
    .map((n) => `                <replica><host>127.0.0.1</host><port>${n.tcpPort}</port></replica>`)
    .join('\n');
  const d = xmlEscape(node.dir);
  // Server-wide limits are Debian's config.xml values, so the cluster behaves like a stock install.
  return `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>${d}/log/clickhouse-server.log</log>
        <errorlog>${d}/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <display_name>${node.name}</display_name>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${node.httpPort}</http_port>
    <tcp_port>${node.tcpPort}</tcp_port>
    <interserver_http_port>${node.interserverPort}</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <max_connections>4096</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>8589934592</uncompressed_cache_size>
    <mark_cache_size>5368709120</mark_cache_size>
    <mlock_executable>false</mlock_executable>
    <path>${d}/data/</path>
    <tmp_path>${d}/tmp/</tmp_path>
    <user_files_path>${d}/user_files/</user_files_path>
    <format_schema_path>${d}/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
    <zookeeper>
        <node><host>127.0.0.1</host><port>${zookeeperPort}</port></node>
        <session_timeout_ms>30000</session_timeout_ms>
    </zookeeper>
    <macros>
        <shard>1</shard>
        <replica>${node.name}</replica>
    </macros>
    <remote_servers>
        <${CLUSTER_NAME}>
            <shard>
                <internal_replication>true</internal_replication>
${replicas}
            </shard>
        </${CLUSTER_NAME}>
    </remote_servers>
    <distributed_ddl>
        <path>/clickhouse/task_queue/ddl</path>
    </distributed_ddl>
    <query_log>
        <database>system</database>
        <table>query_log</table>
        <partition_by>toYYYYMM(event_date)</partition_by>
        <flush_interval_milliseconds>7500</flush_interval_milliseconds>
    </query_log>
</yandex>
`;
}

function renderUsersConfig(): string {
  const loopback = '<ip>::1</ip><ip>127.0.0.1</ip>';
  const user = (name: string, password: string, profile: string) => `        <${name}>
            <password>${xmlEscape(password)}</password>
            <networks>${loopback}</networks>
            <profile>${profile}</profile>
            <quota>default</quota>
        </${name}>`;
  // log_queries=1 so tests can see who ran what in system.query_log (after SYSTEM FLUSH LOGS).
  // readonly=2: writes refused (code 164) but URL settings such as max_execution_time allowed; readonly=1 refuses
  // those too (even enable_http_compression), as many operators' read users are set up.
  return `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>10000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>random</load_balancing>
            <log_queries>1</log_queries>
        </default>
        <chgate_readonly>
            <profile>default</profile>
            <readonly>2</readonly>
        </chgate_readonly>
        <chgate_readonly_strict>
            <profile>default</profile>
            <readonly>1</readonly>
        </chgate_readonly_strict>
    </profiles>
    <users>
${user(LOCAL_USERS.admin.user, LOCAL_USERS.admin.password, 'default')}
${user(LOCAL_USERS.writer.user, LOCAL_USERS.writer.password, 'default')}
${user(LOCAL_USERS.reader.user, LOCAL_USERS.reader.password, 'chgate_readonly')}
${user(STRICT_READ_USER.user, STRICT_READ_USER.password, 'chgate_readonly_strict')}
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`;
}

function renderZooCfg(dataDir: string, port: number): string {
  return [
    'tickTime=2000',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'maxClientCnxns=0',
    // No admin web server (it would take port 8080) and no fsync per write (throw-away data).
    'admin.enableServer=false',
    'forceSync=no',
    '4lw.commands.whitelist=ruok,srvr,stat',
    '',
  ].join('\n');
}

function renderLog4j(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, FILE',
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    `log4j.appender.FILE.File=${logFile}`,
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1} - %m%n',
    '',
  ].join('\n');
}

/** Sends a ZooKeeper four-letter word and returns the reply. */
export function zookeeperCommand(port: number, word: string, { host = '127.0.0.1', timeoutMs = 1_000 } = {}): Promise<string> {
  return new Promise((resolveReply, reject) => {
    const socket = createConnection({ host, port });
    let reply = '';
    // A ZooKeeper still starting up may leave the socket open without answering: give up quickly and poll again.
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`ZooKeeper did not answer ${word} in ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.on('close', () => resolveReply(reply));
    socket.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster lifecycle

interface StateFile {
  ownerPid: number;
  baseDir: string;
  processes: Array<{ name: string; pid: number; marker: string }>;
}

export function readClusterState(baseDir: string): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(join(baseDir, STATE_FILE), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
}

/** Stops what a previous run left under `baseDir` if its owner died; refuses if the owner still runs. */
async function reapPreviousRun(baseDir: string, log: (message: string) => void): Promise<void> {
  const state = readClusterState(baseDir);
  if (state === undefined) return;
  if (state.ownerPid !== process.pid && isAlive(state.ownerPid)) {
    const alive = state.processes.filter((p) => isOurProcess(p.pid, p.marker));
    if (alive.length > 0) {
      throw new Error(
        `a cluster under ${baseDir} is still run by pid ${state.ownerPid}; stop it first (or use another baseDir/basePort)`,
      );
    }
  }
  const stopped = await stopRecordedProcesses(state.processes);
  if (stopped.length > 0) log(`stopped ${stopped.length} process(es) left by an earlier run under ${baseDir}`);
}

/**
 * Stops a cluster: the object startLocalCluster returned, or a baseDir whose state file lists the processes
 * (from another process, e.g. a stop script).
 */
export async function stopLocalCluster(target: LocalCluster | string, timeoutMs = 15_000): Promise<void> {
  if (typeof target !== 'string') return target.stop();
  const state = readClusterState(resolve(target));
  if (state !== undefined) await stopRecordedProcesses(state.processes, timeoutMs);
}

function writeConfigFiles(zkDir: string, plans: NodePlan[], zookeeperPort: number): void {
  for (const dir of [join(zkDir, 'conf'), join(zkDir, 'data')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(zkDir, 'conf', 'zoo.cfg'), renderZooCfg(join(zkDir, 'data'), zookeeperPort));
  writeFileSync(join(zkDir, 'conf', 'log4j.properties'), renderLog4j(join(zkDir, 'zookeeper.log')));
  for (const plan of plans) {
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) {
      mkdirSync(join(plan.dir, sub), { recursive: true });
    }
    writeFileSync(join(plan.dir, 'config.xml'), renderServerConfig(plan, plans, zookeeperPort));
    writeFileSync(join(plan.dir, 'users.xml'), renderUsersConfig());
  }
}

/**
 * Standalone ZooKeeper in the foreground, straight from Debian's jars (zkServer.sh would read Debian's
 * /etc/zookeeper/conf/environment, which pins the system config dir).
 */
function spawnZookeeper(zkDir: string): ManagedProcess {
  const conf = join(zkDir, 'conf');
  const classpath = [conf, ZOOKEEPER_JAR, ...ZOOKEEPER_LOG_JARS.filter((jar) => existsSync(jar))];
  const jvm = ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.net.preferIPv4Stack=true'];
  return spawnLogged(
    'zookeeper',
    'java',
    [
      ...jvm,
      `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
      '-Dzookeeper.admin.enableServer=false',
      '-cp',
      classpath.join(':'),
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      join(conf, 'zoo.cfg'),
    ],
    { cwd: zkDir, logFile: join(zkDir, 'stdout.log'), diagnosticLogs: [join(zkDir, 'zookeeper.log')] },
  );
}

function startWatchdog(baseDir: string, pids: number[]): ManagedProcess | undefined {
  // dash's kill takes no `--`: `kill -TERM -PID` signals the process group (each server leads its own).
  // Runs detached: if the owner dies without cleaning up (SIGKILL), it TERMs then KILLs the servers whose command
  // line still names baseDir (a recycled pid is left alone).
  const script = `
owner=$1; base=$2; shift 2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
ours() { tr '\\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$base"; }
for p in "$@"; do ours "$p" && { kill -TERM "-$p" || kill -TERM "$p"; } 2>/dev/null; done
sleep 10
for p in "$@"; do ours "$p" && { kill -KILL "-$p" || kill -KILL "$p"; } 2>/dev/null; done
exit 0`;
  const proc = spawnLogged(
    'watchdog',
    'sh',
    ['-c', script, 'chgate-cluster-watchdog', String(process.pid), baseDir, ...pids.map(String)],
    { cwd: baseDir, logFile: join(baseDir, 'watchdog.log') },
  );
  proc.child.unref();
  return proc;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const started = Date.now();
  const baseDir = resolve(options.baseDir);
  const replicaCount = options.replicas ?? 2;
  const log = options.log ?? (() => {});
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const clickhouseServer = options.clickhouseServer ?? findClickHouseServer() ?? 'clickhouse-server';
  const deadline = started + startTimeoutMs;
  const remaining = () => Math.max(1_000, deadline - Date.now());

  const missing = findMissingPrerequisites(clickhouseServer);
  if (missing.length > 0) {
    throw new Error(
      `cannot start a local ClickHouse cluster, missing: ${missing.join(', ')}. ` +
        'Install with: apt-get update && apt-get install -y clickhouse-server clickhouse-client zookeeper',
    );
  }
  if (!Number.isInteger(replicaCount) || replicaCount < 0 || replicaCount > 8) {
    throw new Error(`replicas must be an integer 0..8, got ${replicaCount}`);
  }

  await reapPreviousRun(baseDir, log);
  const plans = planNodes(baseDir, options.basePort, replicaCount);
  const zookeeperPort = options.basePort;
  await assertPortsFree([zookeeperPort, ...plans.flatMap((p) => [p.httpPort, p.tcpPort, p.interserverPort])]);

  rmSync(baseDir, { recursive: true, force: true });
  const zkDir = join(baseDir, 'zookeeper');
  writeConfigFiles(zkDir, plans, zookeeperPort);

  const processes: ManagedProcess[] = [];
  let watchdog: ManagedProcess | undefined;
  const writeState = () => {
    const state: StateFile = {
      ownerPid: process.pid,
      baseDir,
      processes: [...processes, ...(watchdog ? [watchdog] : [])].map((p) => ({
        name: p.name,
        pid: p.pid,
        marker: p === watchdog ? 'chgate-cluster-watchdog' : baseDir,
      })),
    };
    writeFileSync(join(baseDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (watchdog) await stopManagedProcess(watchdog, 1_000);
      const zk = processes.find((p) => p.name === 'zookeeper');
      // Nodes first (they close their ZooKeeper sessions cleanly), ZooKeeper last.
      await Promise.all(processes.filter((p) => p !== zk).map((p) => stopManagedProcess(p, stopTimeoutMs)));
      if (zk) await stopManagedProcess(zk, stopTimeoutMs);
      rmSync(join(baseDir, STATE_FILE), { force: true });
      log(`local cluster under ${baseDir} stopped`);
    })();
    return stopping;
  };
  const killSync = () => {
    for (const p of [...processes, ...(watchdog ? [watchdog] : [])]) if (!p.hasExited()) signalGroup(p.pid, 'SIGKILL');
  };

  try {
    const zk = spawnZookeeper(zkDir);
    processes.push(zk);
    writeState();
    log(`zookeeper: pid ${zk.pid}, port ${zookeeperPort}`);
    // ZooKeeper must answer before the nodes start: a ClickHouse 18.16 node that could not reach it at startup
    // segfaults on its first ON CLUSTER query (its DDL worker keeps a null session).
    await waitForProcess(zk, 'ZooKeeper to answer ruok', remaining(), async () => {
      return (await zookeeperCommand(zookeeperPort, 'ruok', { timeoutMs: 500 })) === 'imok';
    });
    log(`zookeeper answers after ${Date.now() - started} ms`);

    const nodes: ClusterNode[] = plans.map((plan) => {
      const proc = spawnNode(plan.name, plan.dir, clickhouseServer);
      processes.push(proc);
      log(`${plan.name}: pid ${proc.pid}, http ${plan.httpPort}, tcp ${plan.tcpPort}`);
      const { dir, ...ports } = plan;
      const url = `http://127.0.0.1:${plan.httpPort}`;
      return { ...ports, host: '127.0.0.1', url, dir, logFile: join(dir, 'log', 'clickhouse-server.log'), pid: proc.pid };
    });
    if (options.watchdog ?? true) watchdog = startWatchdog(baseDir, processes.map((p) => p.pid));
    writeState();

    await Promise.all(nodes.map((node, i) => waitForHttpOk(`${node.url}/ping`, processes[i + 1], remaining())));
    log(`all nodes answer /ping after ${Date.now() - started} ms`);
    // Each node must reach ZooKeeper before replicated DDL can work.
    await Promise.all(
      nodes.map((node, i) =>
        waitForProcess(processes[i + 1], `${node.name} to reach ZooKeeper`, remaining(), async () => {
          await queryNode(node, "SELECT count() FROM system.zookeeper WHERE path = '/'");
          return true;
        }),
      ),
    );

    const cluster: LocalCluster = {
      baseDir,
      clusterName: CLUSTER_NAME,
      sampleTable: SAMPLE_TABLE,
      nodes,
      writer: nodes[0]!,
      replicas: nodes.slice(1),
      zookeeper: { host: '127.0.0.1', port: zookeeperPort, pid: zk.pid, dir: zkDir, logFile: zk.diagnosticLogs[0]! },
      users: { writer: { ...LOCAL_USERS.writer }, reader: { ...LOCAL_USERS.reader }, admin: { ...LOCAL_USERS.admin } },
      pids: processes.map((p) => p.pid),
      startupMs: 0,
      stop,
      killSync,
    };
    if (options.sampleTable ?? true) await createSampleTable(cluster, remaining());
    cluster.startupMs = Date.now() - started;
    log(`local cluster ready in ${cluster.startupMs} ms`);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `default.table_name` on every node (ON CLUSTER), rows inserted on the writer, waits until every replica has them. */
async function createSampleTable(cluster: LocalCluster, timeoutMs: number): Promise<void> {
  await queryNode(
    cluster.writer,
    `CREATE TABLE IF NOT EXISTS ${SAMPLE_TABLE} ON CLUSTER ${CLUSTER_NAME} (id UInt64, name String, value Float64) ` +
      `ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/default/table_name', '{replica}') ORDER BY id`,
    { params: { distributed_ddl_task_timeout: Math.ceil(timeoutMs / 1000) }, timeoutMs },
  );
  const values = SAMPLE_ROWS.map((r) => `(${r.id}, '${r.name}', ${r.value})`).join(', ');
  await queryNode(cluster.writer, `INSERT INTO ${SAMPLE_TABLE} VALUES ${values}`, cluster.users.writer);
  await waitForRowCount(cluster.nodes, SAMPLE_TABLE, SAMPLE_ROWS.length, timeoutMs);
}

/** Waits until `SELECT count() FROM table` is at least `expected` on every given node. */
export async function waitForRowCount(
  nodes: ClusterNode[],
  table: string,
  expected: number,
  timeoutMs = 30_000,
  where = '1',
): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      waitUntil(
        `${node.name} to have ${expected} row(s) in ${table} where ${where}`,
        async () => Number((await queryNode(node, `SELECT count() FROM ${table} WHERE ${where}`)).trim()) >= expected,
        { timeoutMs, intervalMs: 100 },
      ),
    ),
  );
}

/** The chgate YAML config (the shape config/example.yaml documents) pointing at this cluster. */
export function renderChgateConfig(
  cluster: LocalCluster,
  { listenHost = '127.0.0.1', listenPort = 8124, connectionsPerNode = 16 } = {},
): string {
  const q = (text: string) => JSON.stringify(text);
  const node = (n: ClusterNode) => `      - { name: ${n.name}, url: ${q(n.url)} }`;
  return `# Generated by scripts/local-cluster.ts for the local cluster under ${cluster.baseDir}
server:
  listen_host: ${listenHost}
  listen_port: ${listenPort}
clusters:
  local:
    write_user: { user: ${cluster.users.writer.user}, password: ${q(cluster.users.writer.password)} }
    read_user: { user: ${cluster.users.reader.user}, password: ${q(cluster.users.reader.password)} }
    writers:
${node(cluster.writer)}
    readers:${cluster.replicas.length === 0 ? ' []' : `\n${cluster.replicas.map(node).join('\n')}`}
    pool:
      connections_per_node: ${connectionsPerNode}
users:
  default:
    cluster: local
    networks: ["127.0.0.0/8", "::1/128"]
`;
}

export interface ChgateProcessOptions {
  /** Project root: holds bin/chgate.js (which imports dist/, so `npm run build` first). */
  root: string;
  configPath: string;
  logFile: string;
  /** chgate's /ping URL to wait for. */
  pingUrl: string;
  timeoutMs?: number;
  /** Entry script; default `<root>/bin/chgate.js`, or $CHGATE_BIN. */
  entry?: string;
  /** Node options before the entry script (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}

/** Starts `node bin/chgate.js serve --config FILE` (own process group, output to logFile) and waits for /ping. */
export async function startChgateProcess(options: ChgateProcessOptions): Promise<ManagedProcess> {
  const entry = options.entry ?? process.env.CHGATE_BIN ?? join(options.root, 'bin', 'chgate.js');
  const built = join(options.root, 'dist', 'cli', 'run-cli.js');
  if (options.entry === undefined && process.env.CHGATE_BIN === undefined && !existsSync(built)) {
    throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const proc = spawnLogged('chgate', process.execPath, [...(options.nodeArgs ?? []), entry, 'serve', '--config', options.configPath], {
    cwd: options.root,
    logFile: options.logFile,
    env: chgateProcessEnv(process.env),
  });
  try {
    await waitForHttpOk(options.pingUrl, proc, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stopManagedProcess(proc, 5_000);
    throw error;
  }
  return proc;
}
