import type { WebClient } from '@slack/web-api';
import type { Logger } from '../util/logger.ts';

/** What a caller must hold. Operators and treasurers may also read: a write role implies viewer. */
export type Role = 'viewer' | 'operator' | 'treasurer';

export const ROLE_VARIABLE: Record<Role, string> = {
  viewer: 'DART_VIEWERS',
  operator: 'DART_OPERATORS',
  treasurer: 'DART_TREASURERS',
};

export interface AccessOptions {
  viewers: string[];
  operators: string[];
  treasurers: string[];
  /** How long a user group's members are remembered. */
  groupTtlMs?: number;
  now?: () => number;
}

/**
 * Answers "may this Slack user act as this role?" from the three role lists of the
 * environment. User groups (`S…`) are expanded through `usergroups.users.list` and cached;
 * a group that cannot be read grants nothing (fail closed) and is logged once per refresh.
 */
export class AccessControl {
  readonly #lists: Record<Role, string[]>;
  readonly #client: WebClient;
  readonly #logger: Logger;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #groups = new Map<string, { members: Promise<Set<string>>; expires: number }>();

  constructor(options: AccessOptions, client: WebClient, logger: Logger) {
    this.#lists = { viewer: options.viewers, operator: options.operators, treasurer: options.treasurers };
    this.#client = client;
    this.#logger = logger;
    this.#ttl = options.groupTtlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** True when `userId` holds `role` (or, for viewer, any role at all). */
  async allows(userId: string, role: Role): Promise<boolean> {
    const roles: Role[] = role === 'viewer' ? ['viewer', 'operator', 'treasurer'] : [role];
    for (const candidate of roles) {
      if (await this.#listed(userId, this.#lists[candidate])) return true;
    }
    return false;
  }

  /** The roles `userId` holds, for help texts. */
  async rolesOf(userId: string): Promise<Set<Role>> {
    const held = new Set<Role>();
    for (const role of ['viewer', 'operator', 'treasurer'] as const) {
      if (await this.allows(userId, role)) held.add(role);
    }
    return held;
  }

  async #listed(userId: string, principals: string[]): Promise<boolean> {
    if (principals.includes('*') || principals.includes(userId)) return true;
    for (const principal of principals) {
      if (principal.startsWith('S') && (await this.#members(principal)).has(userId)) return true;
    }
    return false;
  }

  #members(groupId: string): Promise<Set<string>> {
    const cached = this.#groups.get(groupId);
    if (cached && cached.expires > this.#now()) return cached.members;
    const members = this.#client.usergroups.users
      .list({ usergroup: groupId })
      .then((answer) => new Set(answer.users ?? []))
      .catch((error: unknown) => {
        const reason = (error as { data?: { error?: string } }).data?.error ?? String(error);
        const hint = reason === 'missing_scope' ? ' (add the usergroups:read scope to the app)' : '';
        this.#logger.warn({ groupId, reason }, `cannot read members of user group ${groupId}${hint}; it grants nothing`);
        // Forget a failure sooner than a success, so a fixed scope takes effect quickly.
        this.#groups.set(groupId, { members: Promise.resolve(new Set()), expires: this.#now() + 30_000 });
        return new Set<string>();
      });
    this.#groups.set(groupId, { members, expires: this.#now() + this.#ttl });
    return members;
  }
}
