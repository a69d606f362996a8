/**
 * `keyplane revoke <consumer>`: for a leaked key. The rotation function issues a new key and
 * disables the outgoing one at once (contract/events.ts RevokeEvent). Asks for confirmation
 * (the consumer's name typed back) unless --yes; without a terminal it refuses unless --yes.
 */
import type { RevokeEvent, RevokeResult } from '../../contract/events';
import { findConsumer } from '../consumer-lookup';
import { CliError, usageError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { invokeRotationFunction } from '../rotation-function';
import type { Session } from '../session';
import { functionName } from './rotate';

export interface RevokeOptions {
  /** Revoke without asking. @default false */
  readonly yes?: boolean;
}

export async function revokeCommand(
  session: Session,
  name: string,
  options: RevokeOptions
): Promise<ExitCodeValue> {
  const { io, clients } = session;
  const status = await findConsumer(session, name);
  if (!options.yes) {
    if (!io.interactive)
      throw usageError(
        'revoke disables a key at once and needs confirmation: run it in a terminal, or pass --yes'
      );
    const answer = await io.ask(
      `Revoke ${status.consumer}'s key ${status.current?.keyId ?? '(none)'} now? Callers still ` +
        `using it are refused at once. Type "${status.consumer}" to confirm: `
    );
    if (answer.trim() !== status.consumer)
      throw new CliError('not confirmed; nothing was revoked', ExitCode.FAILURE, 'not-confirmed');
  }
  if (status.rotationFunction === undefined)
    throw new CliError(
      `${status.secretName} has no rotation function configured; deploy the stack first`,
      ExitCode.FAILURE,
      'no-rotation-function'
    );
  io.err(`revoking ${status.consumer} through ${functionName(status.rotationFunction)}...`);
  const event: RevokeEvent = { action: 'revoke', secretId: status.secretArn };
  const result = await invokeRotationFunction<RevokeResult>(
    clients.lambda,
    status.rotationFunction,
    event
  );
  const json = {
    consumer: status.consumer,
    service: status.service,
    secretName: status.secretName,
    revokedKeyId: result.revokedKeyId ?? null,
    keyId: result.keyId,
    versionId: result.versionId,
  };
  session.print(json, () =>
    result.revokedKeyId
      ? `${status.consumer}: key ${result.revokedKeyId} disabled and out of its plans; new key ${result.keyId}`
      : `${status.consumer}: had no key to disable; new key ${result.keyId}`
  );
  return ExitCode.OK;
}
