/**
 * `keyplane revoke <consumer> [--key <id>]`: for a leaked key. The rotation function issues a
 * new key and disables every other enabled key of the consumer at once, grace-period keys
 * included; with --key it disables that one key only (contract/events.ts RevokeEvent). Asks for
 * confirmation (the consumer's name typed back) unless --yes; without a terminal it refuses
 * unless --yes. Exits 1 when a key tagged as the consumer's is still enabled because the
 * function cannot prove it made it (someone else's: the output names it).
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
  /** Revoke this key id only. @default - every enabled key of the consumer */
  readonly key?: string;
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
        'revoke disables keys at once and needs confirmation: run it in a terminal, or pass --yes'
      );
    const what = options.key === undefined ? 'every enabled key' : `key ${options.key}`;
    const answer = await io.ask(
      `Revoke ${what} of ${status.consumer} now? Callers still using it are refused at once. ` +
        `Type "${status.consumer}" to confirm: `
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
  const event: RevokeEvent = {
    action: 'revoke',
    secretId: status.secretArn,
    ...(options.key === undefined ? {} : { keyId: options.key }),
  };
  const result = await invokeRotationFunction<RevokeResult>(
    clients.lambda,
    status.rotationFunction,
    event
  );
  const json = {
    consumer: status.consumer,
    service: status.service,
    secretName: status.secretName,
    revokedKeyIds: result.revokedKeyIds,
    unprovenKeyIds: result.unprovenKeyIds,
    keyId: result.keyId ?? null,
    versionId: result.versionId ?? null,
  };
  session.print(json, () => describeRevoke(status.consumer, result));
  if (result.unprovenKeyIds.length > 0) {
    io.err(
      `${status.consumer}: still enabled, not provably keyplane's, left alone: ` +
        `${result.unprovenKeyIds.join(', ')}; whoever created them must disable them`
    );
    return ExitCode.FAILURE;
  }
  return ExitCode.OK;
}

function describeRevoke(consumer: string, result: RevokeResult): string {
  const disabled =
    result.revokedKeyIds.length === 0
      ? 'no key to disable'
      : `${result.revokedKeyIds.length === 1 ? 'key' : 'keys'} ${result.revokedKeyIds.join(', ')} disabled and out of their plans`;
  return result.keyId === undefined
    ? `${consumer}: ${disabled}`
    : `${consumer}: ${disabled}; new key ${result.keyId}`;
}
