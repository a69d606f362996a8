/**
 * `keyplane status`: one row per consumer: plans, current key id and age, next rotation,
 * retiring keys, health.
 */
import { readSelectedStatus } from '../consumer-lookup';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import type { Session } from '../session';
import { formatStatusTable, statusJson } from '../status';

export async function statusCommand(session: Session): Promise<ExitCodeValue> {
  const statuses = await readSelectedStatus(session);
  const now = session.runtime.now();
  session.print(statusJson(statuses, now), () =>
    statuses.length === 0
      ? 'no keyplane consumers found (is this the right account and region? see --region, --aws)'
      : formatStatusTable(statuses, now)
  );
  return ExitCode.OK;
}
