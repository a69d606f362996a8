/**
 * `keyplane doctor`: finds drift (see drift.ts) and what disagrees with the deployer's policy
 * (policy-audit.ts, asked of each service's rotation function), and names each finding; exit 0
 * when clean, 1 with findings.
 */
import { findDrift } from '../drift';
import { unknownService } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { readFunctionSettings } from '../function-settings';
import { readInventory, readPlanMembers, serviceNames } from '../inventory';
import { overdueMarginsOf } from '../overdue-margin';
import { policyFindings } from '../policy-audit';
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
    overdueMargins: overdueMarginsOf(
      await readFunctionSettings(
        clients.lambda,
        inventory.secrets.map((secret) => secret.RotationLambdaARN)
      )
    ),
  });
  const members = await readPlanMembers(clients.apiGateway, inventory.plans.keys());
  const services = serviceNames(inventory);
  const findings = [
    ...findDrift(inventory, statuses, members),
    ...(await policyFindings(clients.lambda, services)),
  ];
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
