import type { WebClient } from '@slack/web-api';
import type { Logger } from '../util/logger.ts';
import { slackErrorOf } from './errors.ts';

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
  /** Milliseconds on a monotonic clock, for the cache's lifetime (a duration, not a time of day); tests move it. */
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
    this.#now = options.now ?? (() => performance.now());
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
    if (principals.includes('*')) return true;
    // A group entry grants only through its members: a caller whose id is the group's own never matches it.
    if (!userId.startsWith('S') && principals.includes(userId)) return true;
    for (const principal of principals) {
      if (principal.startsWith('S') && (await this.#members(principal)).has(userId)) return true;
    }
    return false;
  }

  /** Loads every user group of the role lists now, so that no role check waits on Slack later. */
  warm(): void {
    const groups = new Set(
      Object.values(this.#lists)
        .flat()
        .filter((principal) => principal.startsWith('S')),
    );
    for (const groupId of groups) void this.#members(groupId);
  }

  /**
   * A group's members. Past its time a list is still answered at once while a fresh one
   * loads in the background, so a role check (which runs before Slack is acked) only waits
   * on Slack the very first time; a list that cannot be read grants nothing.
   */
  #members(groupId: string): Promise<Set<string>> {
    const cached = this.#groups.get(groupId);
    if (!cached) {
      const members = this.#load(groupId);
      this.#groups.set(groupId, { members, expires: this.#now() + this.#ttl });
      return members;
    }
    if (cached.expires <= this.#now()) {
      cached.expires = Number.POSITIVE_INFINITY; // one refresh at a time
      void this.#load(groupId);
    }
    return cached.members;
  }

  #load(groupId: string): Promise<Set<string>> {
    const remember = (members: Set<string>, ttl: number) => {
      this.#groups.set(groupId, { members: Promise.resolve(members), expires: this.#now() + ttl });
      return members;
    };
    return this.#client.usergroups.users.list({ usergroup: groupId }).then(
      (answer) => remember(new Set(answer.users ?? []), this.#ttl),
      (error: unknown) => {
        const reason = slackErrorOf(error);
        const hint = reason === 'missing_scope' ? ' (add the usergroups:read scope to the app)' : '';
        this.#logger.warn({ groupId, reason }, `cannot read members of user group ${groupId}${hint}; it grants nothing`);
        // Forget a failure sooner than a success, so a fixed scope takes effect quickly.
        return remember(new Set<string>(), 30_000);
      },
    );
  }
}
