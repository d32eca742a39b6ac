import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The secret a webhook call carries: `Authorization: Bearer <secret>`, or the password of
 * HTTP Basic auth (what a URL such as `https://dart:<secret>@host/webhook/…` sends).
 */
export function presentedSecret(authorization: string | undefined): string | undefined {
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const [, scheme = '', value = ''] = match;
  if (scheme.toLowerCase() === 'bearer') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * Compares in constant time: both sides are hashed first so that the comparison has
 * equal lengths and takes the same time whatever the presented value is. An empty
 * configured secret matches nothing (fail closed).
 */
export function secretMatches(presented: string | undefined, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  const equal = timingSafeEqual(digest(presented ?? ''), digest(secret));
  return equal && presented !== undefined && secret !== '';
}

/**
 * True when `presented` is one of `secrets` (the current secret and, while it is being
 * rotated out, the previous one). Every secret is compared, so the time taken does not
 * say which one matched.
 */
export function matchesAnySecret(presented: string | undefined, secrets: readonly (string | undefined)[]): boolean {
  const matches = secrets.map((secret) => secret !== undefined && secretMatches(presented, secret));
  return matches.includes(true);
}
