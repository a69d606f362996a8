/**
 * The two-region environment the validate and e2e tiers build (README, "Multi-region keys"):
 * a plan in the stack's region and one in a further region, and a consumer in both.
 */

/** The stack's region and the further region of the plan `goldeu`. */
export const PRIMARY_REGION = 'us-east-1';
export const FURTHER_REGION = 'eu-west-1';

/** A keyplane.config.json with the environment `environment`, its state in `statePath`. */
export function multiRegionConfig(environment: string, statePath: string): object {
  return {
    environments: {
      [environment]: {
        region: PRIMARY_REGION,
        backend: { local: { path: statePath } },
        rotation: { deleteRetiredAfter: '1d' },
        usagePlans: {
          gold: { quota: { limit: 1000, period: 'DAY' } },
          goldeu: { region: FURTHER_REGION, quota: { limit: 500, period: 'DAY' } },
        },
        consumers: {
          acme: { plans: ['gold', 'goldeu'], gracePeriod: '1h', recoveryWindowInDays: 0 },
        },
      },
    },
  };
}
