/**
 * How late a scheduled rotation may be before `keyplane status` and `doctor` call it failed:
 * the margin the rotation service was deployed with (RotationServiceProps.overdueMargin), which
 * Terraform writes into its function's KEYPLANE_OVERDUE_MARGIN_SECONDS and the sweep and its
 * overdue alarm judge by. One value, read where the deployer wrote it: one
 * GetFunctionConfiguration per rotation function. Where a function's configuration cannot be
 * read (no lambda:GetFunctionConfiguration, function gone), the contract's default.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaEnv } from '../contract/events';
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from '../contract/policy-rules';

/** The margin, in milliseconds, of the consumers of each rotation function, by its ARN. */
export type OverdueMargins = ReadonlyMap<string, number>;

/** The default margin in milliseconds, for a function not read. */
export const DEFAULT_OVERDUE_MARGIN_MS = DEFAULT_OVERDUE_MARGIN_SECONDS * 1000;

/** Reads the margin of each of `functionArns`; no client reads none. */
export async function readOverdueMargins(
  lambda: LambdaClient | undefined,
  functionArns: Iterable<string | undefined>
): Promise<OverdueMargins> {
  const arns = [...new Set(functionArns)].filter((arn): arn is string => arn !== undefined);
  if (lambda === undefined) return new Map();
  const margins = await Promise.all(
    arns.map(async (arn) => {
      const config = await readConfiguration(lambda, arn);
      const seconds = Number(config?.Environment?.Variables?.[LambdaEnv.OVERDUE_MARGIN_SECONDS]);
      return [arn, Number.isSafeInteger(seconds) && seconds >= 0 ? seconds * 1000 : undefined];
    })
  );
  return new Map(margins.filter((entry): entry is [string, number] => entry[1] !== undefined));
}

/** The function's configuration; undefined when it cannot be read (the default applies). */
export async function readConfiguration(lambda: LambdaClient, arn: string) {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
  } catch {
    return undefined;
  }
}

/** The margin of the consumers of `functionArn`. */
export function overdueMarginMs(margins: OverdueMargins, functionArn?: string): number {
  return (
    (functionArn === undefined ? undefined : margins.get(functionArn)) ?? DEFAULT_OVERDUE_MARGIN_MS
  );
}
