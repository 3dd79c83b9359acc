import { hashPassword } from '../auth/password-hash.js';
import { findDeprecatedAuthSettings } from '../auth/deprecated-settings.js';
import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load-config.js';
import { createLogger, isLogLevel, openLogDestination, type Logger } from '../log/create-logger.js';
import { startChgate } from '../main.js';
import { runClassifyCommand } from './classify-command.js';

const usage = `Usage:
  chgate serve --config FILE [--log-level debug|info|warn|error|silent]
                               run the proxy (SIGHUP: reload FILE, SIGTERM: finish requests and stop)
  chgate classify [--jsonl]    read SQL on stdin, print how chgate classifies it
  chgate hash-password [--scheme scrypt|sha256]
                               read a password on stdin, print a salted hash for password_hash
`;

export async function runCli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'classify':
      return runClassifyCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    case 'hash-password':
      return hashPasswordCommand(rest);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${usage}`);
      return 2;
  }
}

function optionValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function serve(args: string[]): Promise<number> {
  const configPath = optionValue(args, '--config');
  if (!configPath) {
    process.stderr.write(`serve needs --config FILE\n${usage}`);
    return 2;
  }
  // Given: it wins over log.level, also after a reload.
  const levelOption = optionValue(args, '--log-level');
  if (levelOption !== undefined && !isLogLevel(levelOption)) {
    process.stderr.write(`--log-level must be one of debug, info, warn, error, silent (got "${levelOption}")\n`);
    return 2;
  }
  const warnDeprecated = (loaded: Config, logger: Logger): void => {
    for (const warning of findDeprecatedAuthSettings(loaded)) logger.warn(warning);
  };
  const config = await loadConfigFile(configPath);
  const destination = openLogDestination(config.log.file);
  // A log file that cannot be opened stops serve before it listens (bin/chgate.js prints why).
  await destination.ready;
  const logger = createLogger(levelOption ?? config.log.level, destination);
  // Lines still buffered are written however the process ends.
  process.once('exit', () => logger.flush());
  warnDeprecated(config, logger);
  let loaded = config;
  const load = async (): Promise<Config> => {
    loaded = await loadConfigFile(configPath);
    warnDeprecated(loaded, logger);
    return loaded;
  };
  const running = await startChgate(config, { logger });
  // SIGHUP re-reads the config file and applies what can change at runtime; a bad file is logged and ignored.
  const reload = (): void => {
    logger.info('reloading config', { path: configPath });
    void running.reload(load).then((outcome) => {
      if (outcome.result === 'success' && levelOption === undefined) logger.setLevel(loaded.log.level);
    });
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info('stopping', { signal });
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      running.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.off('SIGHUP', reload);
  logger.flush();
  return 0;
}

/** Reads the password on stdin (one trailing newline dropped), prints a new salted hash (scrypt by default). */
async function hashPasswordCommand(args: string[]): Promise<number> {
  const scheme = optionValue(args, '--scheme') ?? 'scrypt';
  if (scheme !== 'scrypt' && scheme !== 'sha256') {
    process.stderr.write(`--scheme must be scrypt or sha256 (got "${scheme}")\n`);
    return 2;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  process.stdout.write(`${await hashPassword(password, scheme)}\n`);
  return 0;
}
