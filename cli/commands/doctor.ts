/**
 * `keyplane doctor`: finds drift (see drift.ts), in the client's region and in every further
 * region of the keys its rotation functions name (key-regions.ts), and what disagrees with the
 * deployer's policy (policy-audit.ts, asked of each service's rotation function), and names
 * each finding; exit 0 when clean, 1 with findings. It only reads, and never a key value.
 */
import { findDrift } from '../drift';
import { unknownService } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { readFunctionSettings } from '../function-settings';
import { readInventory, readPlanMembers, readRegionKeys, serviceNames } from '../inventory';
import { keyRegionsOf } from '../key-regions';
import { overdueMarginsOf } from '../overdue-margin';
import { auditPolicy } from '../policy-audit';
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
  const settings = await readFunctionSettings(
    clients.lambda,
    inventory.secrets.map((secret) => secret.RotationLambdaARN)
  );
  const further = await Promise.all(
    keyRegionsOf(settings).map((region) =>
      readRegionKeys(clients.apiGatewayIn(region), region, globals.service)
    )
  );
  const statuses = await statusesOf(clients.secretsManager, inventory, {
    now: runtime.now(),
    stuckAfterMs: options.stuckAfter * 60_000,
    overdueMargins: overdueMarginsOf(settings),
    regionalKeys: new Map(further.map((region) => [region.region, region.keys])),
  });
  const members = await readPlanMembers(clients.apiGateway, inventory.plans.keys());
  const services = serviceNames(inventory);
  const policy = await auditPolicy(clients.lambda, services);
  const findings = [
    ...findDrift(
      inventory,
      statuses,
      members,
      further.map((region) => ({
        ...region,
        declaredPlans: policy.regionalPlans.get(region.region) ?? new Map(),
        auditedServices: policy.audited,
      }))
    ),
    ...policy.findings,
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
