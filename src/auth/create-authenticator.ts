import { createHmac, randomBytes } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { ProxyUserConfig } from '../config/config.js';
import { networkList } from '../config/parse-cidr.js';
import { ChgateError } from '../errors/error-catalogue.js';
import { isAddressInList, resolveClientAddress } from './client-address.js';
import type { ClientCredentials } from './extract-credentials.js';
import { defaultScryptParameters, isFastScheme, parsePasswordHash, unsaltedSha256Hash, verifyFastPassword, verifyPassword, type PasswordHash } from './password-hash.js';

export interface AuthenticatedUser {
  name: string;
  cluster: string;
  isAdmin: boolean;
  /** Only reads (and plain SET / USE): anything else is refused before it reaches ClickHouse. */
  readonly: boolean;
  /** No DDL (CREATE, ALTER, DROP, ...): INSERT and reads are allowed. */
  denyDdl: boolean;
}

export interface Authenticator {
  /**
   * `remoteAddress`: the TCP peer; `forwardedFor`: its X-Forwarded-For header, believed only when the peer is a
   * trusted proxy. Rejects with AUTHENTICATION_FAILED.
   */
  authenticate(credentials: ClientCredentials, remoteAddress: string, forwardedFor?: string | string[]): Promise<AuthenticatedUser>;
  /**
   * authenticate's answer at once when it needs no slow hash (a user without password or with a fast scheme, a
   * correct scrypt password already remembered): the cache-hit fast path skips two promise turns. Undefined when
   * the answer needs a slow hash, or is a refusal: authenticate then decides (and says why).
   */
  authenticateKnown(credentials: ClientCredentials, remoteAddress: string, forwardedFor?: string | string[]): AuthenticatedUser | undefined;
}

export interface AuthenticatorOptions {
  /** server.trusted_proxies: CIDRs whose X-Forwarded-For is believed. */
  trustedProxies?: readonly string[];
  /** Correct (user, password) pairs remembered so a slow hash is computed once, not per request. */
  maxRememberedPasswords?: number;
  /** scrypt checks running at once (default 2); more wait their turn. */
  maxConcurrentSlowChecks?: number;
}

interface PreparedUser {
  name: string;
  /** Absent: no password; only an empty one matches. */
  hash: PasswordHash | undefined;
  allowed: BlockList;
  result: AuthenticatedUser;
}

/** A config user's stored password, parsed (the config loader has validated it already). */
export function storedPasswordOf(user: ProxyUserConfig): PasswordHash | undefined {
  if (user.passwordHash !== undefined) return parsePasswordHash(user.passwordHash);
  if (user.passwordSha256Hex !== undefined) return unsaltedSha256Hash(user.passwordSha256Hex);
  return undefined;
}

export function createAuthenticator(users: Iterable<ProxyUserConfig>, options: AuthenticatorOptions = {}): Authenticator {
  const prepared = new Map<string, PreparedUser>();
  for (const user of users) {
    const allowed = networkList(user.networks);
    prepared.set(user.name, {
      name: user.name,
      hash: storedPasswordOf(user),
      allowed,
      result: { name: user.name, cluster: user.cluster, isAdmin: user.isAdmin, readonly: user.readonly, denyDdl: user.denyDdl },
    });
  }
  let trusted: BlockList | undefined;
  if (options.trustedProxies && options.trustedProxies.length > 0) {
    trusted = networkList(options.trustedProxies);
  }

  // Unknown users are checked against this (it never matches), so they cost what a default-scheme user costs and
  // response time does not tell which user names exist.
  const decoy: PasswordHash = { scheme: 'scrypt', ...defaultScryptParameters, salt: randomBytes(16), hash: randomBytes(32) };

  // Correct passwords of slow schemes, remembered under HMAC(per-process random key, user, password): a repeated
  // correct login costs one HMAC-SHA256 instead of a scrypt, and the map holds nothing an attacker could reverse
  // without the key, which never leaves this process. Wrong passwords are never remembered: they always pay the slow
  // hash. Bounded: the oldest entry goes first.
  const rememberKey = randomBytes(32);
  const maxRemembered = options.maxRememberedPasswords ?? 10_000;
  const remembered = new Set<string>();
  const rememberedId = (user: string, password: string): string =>
    createHmac('sha256', rememberKey).update(user).update('\u0000').update(password).digest('base64');

  // scrypt runs on libuv's small thread pool, which the cache's SQLite and file I/O share: a flood of wrong
  // passwords may take only a few of its threads. Waiters are bounded by the open client connections.
  const maxSlow = options.maxConcurrentSlowChecks ?? 2;
  let slowRunning = 0;
  const slowWaiting: Array<() => void> = [];
  const verifySlowly = async (hash: PasswordHash, password: string): Promise<boolean> => {
    if (slowRunning >= maxSlow) await new Promise<void>((resolve) => slowWaiting.push(resolve));
    else slowRunning += 1;
    try {
      return await verifyPassword(hash, password);
    } finally {
      // The slot passes straight to the next waiter, or is freed.
      const next = slowWaiting.shift();
      if (next) next();
      else slowRunning -= 1;
    }
  };

  // The answer when it needs no slow hash; undefined when it does.
  const knownMatch = (user: PreparedUser | undefined, password: string): boolean | undefined => {
    if (user && !user.hash) return password === '';
    const hash = user?.hash ?? decoy;
    if (isFastScheme(hash)) return verifyFastPassword(hash, password) && user !== undefined;
    if (user && remembered.has(rememberedId(user.name, password))) return true;
    return undefined;
  };
  const passwordMatches = async (user: PreparedUser | undefined, password: string): Promise<boolean> => {
    const known = knownMatch(user, password);
    if (known !== undefined) return known;
    const hash = user?.hash ?? decoy;
    if (!user) return verifySlowly(hash, password).then(() => false);
    if (!(await verifySlowly(hash, password))) return false;
    if (remembered.size >= maxRemembered) remembered.delete(remembered.values().next().value as string);
    remembered.add(rememberedId(user.name, password));
    return true;
  };

  // Network checks per user and address, remembered: BlockList.check allocates, and clients reconnect from few
  // addresses. Bounded: cleared when full.
  const addressDecisions = new Map<string, Map<string, boolean>>();
  let addressDecisionCount = 0;
  const isAllowedFrom = (user: PreparedUser, address: string): boolean => {
    const known = addressDecisions.get(user.name)?.get(address);
    if (known !== undefined) return known;
    const allowed = isAddressInList(user.allowed, address);
    if (addressDecisionCount >= 10_000) {
      addressDecisions.clear();
      addressDecisionCount = 0;
    }
    let ofUser = addressDecisions.get(user.name);
    if (!ofUser) {
      ofUser = new Map();
      addressDecisions.set(user.name, ofUser);
    }
    ofUser.set(address, allowed);
    addressDecisionCount += 1;
    return allowed;
  };

  return {
    async authenticate(credentials, remoteAddress, forwardedFor) {
      const user = prepared.get(credentials.user);
      const matches = await passwordMatches(user, credentials.password);
      const address = resolveClientAddress(remoteAddress, forwardedFor, trusted);
      if (!user || !matches || !isAllowedFrom(user, address)) {
        // One message for every cause, as ClickHouse does: the client learns nothing about which check failed.
        throw new ChgateError(
          'AUTHENTICATION_FAILED',
          `${credentials.user}: Authentication failed: password is incorrect, or there is no user with such name, or this address is not allowed`,
        );
      }
      return user.result;
    },
    authenticateKnown(credentials, remoteAddress, forwardedFor) {
      const user = prepared.get(credentials.user);
      if (!user || knownMatch(user, credentials.password) !== true) return undefined;
      return isAllowedFrom(user, resolveClientAddress(remoteAddress, forwardedFor, trusted)) ? user.result : undefined;
    },
  };
}
