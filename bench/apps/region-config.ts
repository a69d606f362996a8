/**
 * The platform app at a region's ceiling: per environment (one per region) 5,000 consumers,
 * about what fills API Gateway's 10,000 keys a region with the default schedule (each consumer
 * holds up to two keys at once), spread over 7 shards by the app.
 */
import type { KeyplaneConfig } from '../../app/config';
import { Period } from '../../constructs/usage-plan';
import { consumerName } from './plans';

/** Two regions of 5,000 consumers each: the 10,000-consumer app of issue 16. */
export const REGIONS = ['us-east-1', 'us-west-2'] as const;
export const CONSUMERS_PER_REGION = 5_000;
/** ceil(5,000 / 750): shards filled to three quarters of their 1,000 on average. */
export const SHARDS_PER_REGION = 7;

/** The config, with every consumer in one of two shared plans. */
export function regionConfig(consumersPerRegion = CONSUMERS_PER_REGION): KeyplaneConfig {
  return {
    environments: Object.fromEntries(
      REGIONS.map((region) => [
        region,
        {
          region,
          shards: SHARDS_PER_REGION,
          backend: { local: { path: `terraform.${region}.tfstate` } },
          usagePlans: {
            free: { quota: { limit: 1000, period: Period.DAY }, apiStages: [] },
            gold: { throttle: { rateLimit: 100, burstLimit: 200 }, apiStages: [] },
          },
          consumers: Object.fromEntries(
            Array.from({ length: consumersPerRegion }, (_, i) => [
              consumerName(i),
              { plans: [i % 2 === 0 ? 'free' : 'gold'], recoveryWindowInDays: 0 },
            ])
          ),
        },
      ])
    ),
  };
}
