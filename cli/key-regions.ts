/**
 * The further regions of a rotation service's keys (README, "Multi-region keys"), as Terraform
 * wrote them into its function's KEYPLANE_KEY_REGIONS: one GetFunctionConfiguration per
 * function. A function whose configuration cannot be read, or that has no further region,
 * adds none.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaEnv } from '../contract/events';
import { readConfiguration } from './overdue-margin';

/** Every further region of the functions `functionArns`, by name. */
export async function readKeyRegions(
  lambda: LambdaClient | undefined,
  functionArns: Iterable<string | undefined>
): Promise<string[]> {
  const arns = [...new Set(functionArns)].filter((arn): arn is string => arn !== undefined);
  if (lambda === undefined) return [];
  const regions = new Set<string>();
  for (const arn of arns) {
    const config = await readConfiguration(lambda, arn);
    const listed = config?.Environment?.Variables?.[LambdaEnv.KEY_REGIONS] ?? '';
    for (const region of listed.split(' ')) if (region !== '') regions.add(region);
  }
  return [...regions].sort();
}
