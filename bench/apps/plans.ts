/** The usage plans both bench apps declare, so the only difference between them is consumers. */

/** How many usage plans the consumers are spread over. */
export const PLAN_COUNT = 10;

export interface BenchPlan {
  readonly name: string;
  readonly quota: { readonly limit: number; readonly period: 'MONTH' };
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Ten plans, tier-0 .. tier-9, each with a monthly quota and a throttle. */
export function benchPlans(): BenchPlan[] {
  return Array.from({ length: PLAN_COUNT }, (_, i) => ({
    name: `tier-${i}`,
    quota: { limit: 10_000 * (i + 1), period: 'MONTH' },
    throttle: { rateLimit: 10 * (i + 1), burstLimit: 20 * (i + 1) },
  }));
}

/** Consumer i's name; consumer i belongs to plan i mod PLAN_COUNT. */
export function consumerName(i: number): string {
  return `consumer-${String(i).padStart(4, '0')}`;
}
