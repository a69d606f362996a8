/**
 * `keyplane doctor`: finds drift (see drift.ts) and names each finding; exit 0 when clean,
 * 1 with findings.
 */
import { findDrift } from '../drift';
import { unknownService } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { readInventory, readPlanMembers, serviceNames } from '../inventory';
import { readOverdueMargins } from '../overdue-margin';
import type { Session } from '../session';
import { statusesOf } from '../status';

export interface DoctorOptions {
  /** Minutes after which an AWSPENDING version counts as stuck. @default 60 */
  readonly stuckAfter: number;
}

/** Default of --stuck-after, in minutes. */
export const DEFAULT_STUCK_AFTER_MINUTES = 60;

export async function doctorCommand(
  session: Session,
  options: DoctorOptions
): Promise<ExitCodeValue> {
  const { clients, globals, runtime } = session;
  const inventory = await readInventory(clients, globals.service);
  if (
    globals.service !== undefined &&
    inventory.secrets.length === 0 &&
    inventory.keys.length === 0
  )
    throw unknownService(globals.service, serviceNames(await readInventory(clients)));
  const statuses = await statusesOf(clients.secretsManager, inventory, {
    now: runtime.now(),
    stuckAfterMs: options.stuckAfter * 60_000,
    overdueMargins: await readOverdueMargins(
      clients.lambda,
      inventory.secrets.map((secret) => secret.RotationLambdaARN)
    ),
  });
  const members = await readPlanMembers(clients.apiGateway, inventory.plans.keys());
  const findings = findDrift(inventory, statuses, members);
  const services = serviceNames(inventory);
  session.print(
    { clean: findings.length === 0, services, consumers: statuses.length, findings },
    () =>
      findings.length === 0
        ? `doctor: no drift in ${statuses.length} consumer(s) of ${services.join(', ') || 'no service'}`
        : [
            `doctor: ${findings.length} finding(s) in ${statuses.length} consumer(s) of ${services.join(', ') || 'no service'}`,
            ...findings.map(
              (f) => `  [${f.kind}] ${f.service ? `${f.service}: ` : ''}${f.message}`
            ),
          ].join('\n')
  );
  return findings.length === 0 ? ExitCode.OK : ExitCode.FAILURE;
}
