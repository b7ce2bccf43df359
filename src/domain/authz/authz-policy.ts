/**
 * The authorizer's policy: permissions and enabled restrictions held in memory, loaded at start and replaced as
 * a whole on reload, so a request never waits for SQL and never sees half a change. Reloads are coalesced: a
 * request to reload while one runs is served by one more load after it, never lost, never run in parallel.
 * What triggers a reload (pub/sub, a timer) lives in policy-invalidation.ts.
 */
import type { Logger } from '../../lib/logger.js';
import type { GeoLookup } from './geoip.js';
import { PermissionSet, type PermissionDecision, type PermissionRule } from './permissions.js';
import { RestrictionSet, type RestrictedKind, type RestrictionDenial, type RestrictionRule } from './restrictions.js';

export type PolicyPart = 'permissions' | 'restrictions';
export const POLICY_PARTS: readonly PolicyPart[] = ['permissions', 'restrictions'];

export interface PolicySource {
  permissions(): Promise<PermissionRule[]>;
  /** Enabled rows are enough; disabled ones are ignored anyway. */
  restrictions(): Promise<RestrictionRule[]>;
}

export class AuthzPolicy {
  private permissions = new PermissionSet([]);
  private restrictions: RestrictionSet;
  private readonly pending = new Set<PolicyPart>();
  private running?: Promise<void>;
  private loaded = 0;

  constructor(
    private readonly source: PolicySource,
    private readonly geo: GeoLookup,
    private readonly logger: Logger,
  ) {
    this.restrictions = new RestrictionSet([], geo);
  }

  /** The restriction that denies a client IP this kind of request; undefined when the request may go on. */
  restrictionFor(ip: string, kind: RestrictedKind): RestrictionDenial | undefined {
    return this.restrictions.check(ip, kind);
  }

  /** The permission rows' verdict for a principal's role, the request method and a path without leading slash. */
  permissionFor(role: string, method: string, path: string): PermissionDecision {
    return this.permissions.decide(role, method, path);
  }

  /** A role exists when it has at least one permission row, as in Barong. */
  hasRole(role: string): boolean {
    return this.permissions.hasRole(role);
  }

  /** How many loads have completed; tests and the probe use it to see that a reload happened. */
  get generation(): number {
    return this.loaded;
  }

  /** Reloads the parts from the database; rejects when a load fails (the previous data stays in place). */
  reload(parts: readonly PolicyPart[] = POLICY_PARTS): Promise<void> {
    for (const part of parts) this.pending.add(part);
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size) {
        const parts = [...this.pending];
        this.pending.clear();
        await this.load(parts);
      }
    } finally {
      // Synchronously after the last check of `pending`, so a reload() arriving now starts a new drain.
      this.running = undefined;
    }
  }

  private async load(parts: PolicyPart[]): Promise<void> {
    const [permissions, restrictions] = await Promise.all([
      parts.includes('permissions') ? this.source.permissions() : undefined,
      parts.includes('restrictions') ? this.source.restrictions() : undefined,
    ]);
    if (permissions) this.permissions = new PermissionSet(permissions);
    if (restrictions) this.restrictions = new RestrictionSet(restrictions, this.geo);
    this.loaded += 1;
    this.logger.debug(
      { parts, permissions: permissions?.length, restrictions: restrictions?.length },
      'authorization policy loaded',
    );
  }
}
