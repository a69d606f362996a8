/**
 * Retiring a key: out of its usage plans, disabled, and tagged with the instant after which the
 * sweep may delete it. Each call is idempotent and the order is crash safe: a key that is still
 * enabled is retired again, a disabled key without delete-after gets one on the next sweep.
 */
import { KeyTag } from '../../contract';
import type { ApiKeyStore } from './api-key-store';
import { instantTag } from './managed-key';

export interface Retirement {
  readonly keyId: string;
  /** The plans the key is a member of. */
  readonly planIds: readonly string[];
  readonly deleteAfter: Date;
}

/** Mutating calls a retirement makes. */
export function retirementCost(planIds: readonly string[]): number {
  return planIds.length + 2;
}

/** Retires a key; false when it turned out to be gone already. */
export async function retireKey(keys: ApiKeyStore, retirement: Retirement): Promise<boolean> {
  for (const planId of retirement.planIds) {
    await keys.removeFromPlan(planId, retirement.keyId);
  }
  if (!(await keys.setEnabled(retirement.keyId, false))) return false;
  return keys.tag(retirement.keyId, {
    [KeyTag.DELETE_AFTER]: instantTag(retirement.deleteAfter),
  });
}
