/**
 * `keyplane sweep [--dry-run]`: runs the rotation function's sweep now, as its hourly schedule
 * does (contract/events.ts SweepEvent), for each service selected (--service, or every keyplane
 * service found), following its cursor until it completes. With --dry-run the function changes
 * nothing and lists what it would retire, delete, reconcile, schedule or heal.
 */
import type { SweepEvent, SweepPlannedChange } from '../../contract/events';
import { unknownService } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { readInventory, serviceNames } from '../inventory';
import { formatTable } from '../output';
import { rotationFunctionName, sweepToCompletion, type SweepOutcome } from '../rotation-function';
import type { Session } from '../session';

export interface SweepOptions {
  /** List the changes instead of making them. @default false */
  readonly dryRun?: boolean;
}

export async function sweepCommand(
  session: Session,
  options: SweepOptions
): Promise<ExitCodeValue> {
  const { clients, io } = session;
  const services = await selectedServices(session);
  if (services.length === 0) {
    io.err('keyplane: no keyplane consumers found, so no rotation function to sweep with');
    session.print({ services: [] }, () => '');
    return ExitCode.OK;
  }
  const results: { service: string; functionName: string; outcome: SweepOutcome }[] = [];
  for (const service of services) {
    const functionName = rotationFunctionName(service);
    io.err(`sweeping ${service} through ${functionName}${options.dryRun ? ' (dry run)' : ''}...`);
    const event: SweepEvent = options.dryRun ? { action: 'sweep', dryRun: true } : SWEEP;
    results.push({
      service,
      functionName,
      outcome: await sweepToCompletion(clients.lambda, functionName, event),
    });
  }
  const failures = results.reduce((sum, r) => sum + (r.outcome.counts.failures ?? 0), 0);
  session.print(
    {
      dryRun: options.dryRun === true,
      services: results.map((r) => ({
        service: r.service,
        functionName: r.functionName,
        counts: r.outcome.counts,
        ...(options.dryRun ? { planned: r.outcome.planned } : {}),
      })),
    },
    () =>
      results
        .map((r) =>
          options.dryRun
            ? formatPlan(r.service, r.outcome.planned)
            : formatCounts(r.service, r.outcome.counts)
        )
        .join('\n')
  );
  if (failures > 0)
    io.err(`keyplane: the sweep reported ${failures} failure(s); read the function's log`);
  return failures > 0 ? ExitCode.FAILURE : ExitCode.OK;
}

const SWEEP: SweepEvent = { action: 'sweep' };

async function selectedServices(session: Session): Promise<string[]> {
  const found = serviceNames(await readInventory(session.clients, session.globals.service));
  const wanted = session.globals.service;
  if (wanted === undefined) return found;
  if (!found.includes(wanted)) throw unknownService(wanted, found);
  return [wanted];
}

/** The counts a sweep changed, those that are not zero, as a two-column table. */
export function formatCounts(service: string, counts: Readonly<Record<string, number>>): string {
  const rows = Object.entries(counts)
    .filter(([name, n]) => n !== 0 || name === 'keysExamined')
    .map(([name, n]) => [name, String(n)]);
  return `${service}: sweep done\n${formatTable(['COUNT', 'VALUE'], rows)}`;
}

function formatPlan(service: string, planned: readonly SweepPlannedChange[]): string {
  if (planned.length === 0) return `${service}: the sweep would change nothing`;
  const rows = planned.map((c) => [
    c.action,
    `${c.keyId ?? '-'}${c.region === undefined ? '' : ` (${c.region})`}`,
    c.secretArn ?? '-',
    c.detail ?? '',
  ]);
  return `${service}: the sweep would make ${planned.length} change(s); nothing was changed\n${formatTable(['ACTION', 'KEY', 'SECRET', 'DETAIL'], rows)}`;
}
