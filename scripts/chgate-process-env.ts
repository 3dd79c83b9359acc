/**
 * The environment chgate is run with (README "Memory"): glibc's malloc keeps memory freed by each thread in that
 * thread's arena, and SQLite works on libuv's thread pool, so with the default arena count chgate's RSS under a
 * million distinct keys grew to about 2x the cache bound, 1.1x with two arenas. An operator's own value is kept.
 * (A module of its own: the memory bench's child process imports it without the cluster scripts.)
 */
export function chgateProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}
