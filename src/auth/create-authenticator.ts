import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { ProxyUserConfig } from '../config/config.js';
import { parseCidr } from '../config/parse-cidr.js';
import { ChgateError } from '../errors/error-catalogue.js';
import type { ClientCredentials } from './extract-credentials.js';

export interface AuthenticatedUser {
  name: string;
  cluster: string;
  isAdmin: boolean;
}

export interface Authenticator {
  authenticate(credentials: ClientCredentials, remoteAddress: string): AuthenticatedUser;
}

interface PreparedUser {
  config: ProxyUserConfig;
  passwordDigest: Buffer;
  allowed: BlockList;
}

const emptyPasswordDigest = createHash('sha256').update('').digest();

export function createAuthenticator(users: Iterable<ProxyUserConfig>): Authenticator {
  const prepared = new Map<string, PreparedUser>();
  for (const user of users) {
    const allowed = new BlockList();
    for (const network of user.networks) parseCidr(network, allowed);
    const passwordDigest = user.passwordSha256Hex ? Buffer.from(user.passwordSha256Hex, 'hex') : emptyPasswordDigest;
    prepared.set(user.name, { config: user, passwordDigest, allowed });
  }

  // Network checks per (user, address), remembered: BlockList.check allocates, and clients reconnect from few
  // addresses. Bounded: cleared when full.
  const addressDecisions = new Map<string, boolean>();
  const isAllowedFrom = (user: PreparedUser, remoteAddress: string): boolean => {
    const cacheKey = `${user.config.name}\u0000${remoteAddress}`;
    let allowed = addressDecisions.get(cacheKey);
    if (allowed === undefined) {
      allowed = isAddressAllowed(user.allowed, remoteAddress);
      if (addressDecisions.size >= 10_000) addressDecisions.clear();
      addressDecisions.set(cacheKey, allowed);
    }
    return allowed;
  };

  return {
    authenticate(credentials, remoteAddress) {
      const user = prepared.get(credentials.user);
      let passwordMatches: boolean;
      if (user && !user.config.passwordSha256Hex) {
        // No password configured: only an empty one matches; there is no secret whose timing could leak.
        passwordMatches = credentials.password === '';
      } else {
        // Hash even for unknown users, so response time does not tell which user names exist.
        const given = createHash('sha256').update(credentials.password, 'utf8').digest();
        passwordMatches = timingSafeEqual(given, user?.passwordDigest ?? emptyPasswordDigest) && user !== undefined;
      }
      if (!user || !passwordMatches || !isAllowedFrom(user, remoteAddress)) {
        // One message for every cause, as ClickHouse does: the client learns nothing about which check failed.
        throw new ChgateError(
          'AUTHENTICATION_FAILED',
          `${credentials.user}: Authentication failed: password is incorrect, or there is no user with such name, or this address is not allowed`,
        );
      }
      return { name: user.config.name, cluster: user.config.cluster, isAdmin: user.config.isAdmin };
    },
  };
}

function isAddressAllowed(allowed: BlockList, remoteAddress: string): boolean {
  // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; match them against IPv4 networks too.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress)?.[1];
  if (mapped && isIPv4(mapped) && allowed.check(mapped, 'ipv4')) return true;
  return allowed.check(remoteAddress, isIPv4(remoteAddress) ? 'ipv4' : 'ipv6');
}
