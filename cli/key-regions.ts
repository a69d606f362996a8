/**
 * The further regions of a rotation service's keys (README, "Multi-region keys"), as Terraform
 * wrote them into its function's KEYPLANE_KEY_REGIONS. A function whose configuration could not
 * be read, or that has no further region, adds none.
 */
import { LambdaEnv } from '../contract/events';
import type { FunctionSettings } from './function-settings';

/** Every further region the functions of `settings` name, sorted. */
export function keyRegionsOf(settings: FunctionSettings): string[] {
  const regions = new Set<string>();
  for (const variables of settings.values()) {
    for (const region of (variables[LambdaEnv.KEY_REGIONS] ?? '').split(' ')) {
      if (region !== '') regions.add(region);
    }
  }
  return [...regions].sort();
}
