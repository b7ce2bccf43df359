/**
 * The admin API lets the fuzzer's superadmin rewrite the authorization policy: its documented examples delete
 * permission 1 (the superadmin's own ACCEPT) or add restrictions that refuse every later request from loopback.
 * After any write to either table the seeded permissions come back and the restrictions go, so one request never
 * decides the answers to all the others.
 */
import type { TestApp } from '../support/app.js';
import { seed as seedPermissions } from '../../src/db/seeds/02_permissions.js';

const POLICY_WRITE = /\/admin\/(permissions|restrictions)(\/|\?|$)/;

export function changesPolicy(plan: { method: string; target: string }): boolean {
  return plan.method.toUpperCase() !== 'GET' && POLICY_WRITE.test(plan.target);
}

export async function restorePolicy(t: TestApp): Promise<void> {
  await t.db.knex('restrictions').del();
  await t.db.knex('permissions').del();
  await seedPermissions(t.db.knex);
  await t.services.policy.reload();
}
