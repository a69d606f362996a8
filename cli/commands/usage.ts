/**
 * `keyplane usage <consumer> [--days N]`: requests counted against each of the consumer's usage
 * plans, per key (current, retiring and retired keys of the consumer), from API Gateway's
 * GetUsage. An endpoint without GetUsage (moto without keyplane's patch) is said so plainly.
 */
import { APIGatewayClient, GetUsageCommand } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../contract/tags';
import { findConsumer } from '../consumer-lookup';
import { CliError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { readInventory } from '../inventory';
import { formatTable } from '../output';
import type { Session } from '../session';

export interface UsageOptions {
  /** Days to report, ending today (UTC). @default 7 */
  readonly days: number;
}

/** Default of --days. */
export const DEFAULT_USAGE_DAYS = 7;
/** API Gateway keeps usage for 90 days. */
export const MAX_USAGE_DAYS = 90;

/** Usage of the consumer's keys in one plan. */
interface PlanUsage {
  readonly planId: string;
  readonly planName: string;
  readonly keys: KeyUsage[];
}

/** Usage of one key in one plan. */
interface KeyUsage {
  readonly keyId: string;
  readonly current: boolean;
  /** Requests used over the period. */
  readonly used: number;
  /** Requests left on the last day, per the plan's quota. */
  readonly remaining: number | null;
  readonly days: { date: string; used: number; remaining: number }[];
}

export async function usageCommand(
  session: Session,
  name: string,
  options: UsageOptions
): Promise<ExitCodeValue> {
  const status = await findConsumer(session, name);
  const { keys, plans } = await readInventory(session.clients, status.service);
  const ownKeys = new Set(
    keys.filter((k) => k.tags?.[KeyTag.SECRET_ARN] === status.secretArn).map((k) => k.id ?? '')
  );
  const today = session.runtime.now();
  const endDate = day(today);
  const startDate = day(new Date(today.getTime() - (options.days - 1) * 86_400_000));
  const perPlan: PlanUsage[] = [];
  for (const planId of status.planIds) {
    const usage = await planUsage(session.clients.apiGateway, planId, startDate, endDate);
    if (usage === 'unsupported') {
      const where = session.target.endpoint ?? 'AWS';
      throw new CliError(
        `usage: ${where} does not implement API Gateway GetUsage, so there is no usage to ` +
          "show (moto lacks it; keyplane's local emulator patches it in)",
        ExitCode.FAILURE,
        'usage-unsupported'
      );
    }
    const byKey: KeyUsage[] = [...usage.entries()]
      .filter(([keyId]) => ownKeys.has(keyId))
      .map(([keyId, pairs]) => ({
        keyId,
        current: keyId === status.current?.keyId,
        used: pairs.reduce((sum, [used]) => sum + used, 0),
        remaining: pairs.at(-1)?.[1] ?? null,
        days: pairs.map(([used, remaining], i) => ({
          date: day(new Date(Date.parse(startDate) + i * 86_400_000)),
          used,
          remaining,
        })),
      }));
    perPlan.push({ planId, planName: plans.get(planId)?.name ?? planId, keys: byKey });
  }
  const result = {
    consumer: status.consumer,
    service: status.service,
    startDate,
    endDate,
    plans: perPlan,
  };
  session.print(result, () => {
    const rows = perPlan.flatMap((p) =>
      p.keys.length === 0
        ? [[p.planName, '-', '-', '0', '-']]
        : p.keys.map((k) => [
            p.planName,
            k.keyId,
            k.current ? 'yes' : 'no',
            String(k.used),
            k.remaining === null ? '-' : String(k.remaining),
          ])
    );
    return [
      `${status.consumer}: requests ${startDate} .. ${endDate} (${options.days} days, UTC)`,
      formatTable(['PLAN', 'KEY', 'CURRENT', 'USED', 'REMAINING (last day)'], rows),
    ].join('\n');
  });
  return ExitCode.OK;
}

/** The plan's usage per key id as [used, remaining] per day, or 'unsupported'. */
async function planUsage(
  client: APIGatewayClient,
  usagePlanId: string,
  startDate: string,
  endDate: string
): Promise<Map<string, [number, number][]> | 'unsupported'> {
  const usage = new Map<string, [number, number][]>();
  let position: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new GetUsageCommand({ usagePlanId, startDate, endDate, position, limit: 500 })
      );
    } catch (error) {
      if (isUnsupported(error)) return 'unsupported';
      throw error;
    }
    for (const [keyId, pairs] of Object.entries(page.items ?? {}))
      usage.set(keyId, [
        ...(usage.get(keyId) ?? []),
        ...pairs.map((p) => [p[0] ?? 0, p[1] ?? 0] as [number, number]),
      ]);
    position = page.position;
  } while (position);
  return usage;
}

/**
 * An endpoint without the operation: a 404 that is not API Gateway's NotFoundException (which
 * means an unknown plan), or a 501.
 */
function isUnsupported(error: unknown): boolean {
  const err = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  return (status === 404 && err.name !== 'NotFoundException') || status === 501;
}

/** yyyy-MM-dd (UTC), the date format GetUsage takes. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
