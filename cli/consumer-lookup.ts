/**
 * Finding the consumer a command names, among the selected services' consumers.
 */
import { CliError, unknownConsumer, unknownService, usageError } from './errors';
import { ExitCode } from './exit-codes';
import { readInventory, serviceNames } from './inventory';
import type { Session } from './session';
import { ConsumerStatus, KeyStatus, readStatus, type StatusOptions } from './status';

/** Every consumer of the selected service(s); an unknown --service is an error naming those found. */
export async function readSelectedStatus(
  session: Session,
  options: StatusOptions = {}
): Promise<ConsumerStatus[]> {
  const { service } = session.globals;
  const statuses = await readStatus(session.clients, service, {
    now: session.runtime.now(),
    ...options,
  });
  if (service !== undefined && statuses.length === 0)
    throw unknownService(service, serviceNames(await readInventory(session.clients)));
  return statuses;
}

/**
 * The consumer called `name` (its consumer name or its secret's name). Unknown: exit 3 listing
 * the known ones; in several services: a usage error asking for --service.
 */
export async function findConsumer(session: Session, name: string): Promise<ConsumerStatus> {
  const statuses = await readSelectedStatus(session);
  const matches = statuses.filter((s) => s.consumer === name || s.secretName === name);
  if (matches.length === 0)
    throw unknownConsumer(
      name,
      statuses.map((s) => s.consumer)
    );
  if (matches.length > 1)
    throw usageError(
      `consumer "${name}" exists in services ${matches.map((s) => s.service).join(', ')}: pass --service`
    );
  return matches[0];
}

/** The consumer's current key, or an error saying it has none yet. */
export function requireCurrentKey(status: ConsumerStatus): KeyStatus {
  if (status.current) return status.current;
  throw new CliError(
    `${status.consumer} has no current key (${status.health.reason})`,
    ExitCode.NOT_FOUND,
    'no-key'
  );
}
