/**
 * `keyplane get <consumer>`: the current key id. With --show, the key value too, read from
 * the secret's AWSCURRENT version and written to stdout only: the one place the CLI prints a
 * key value.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { IssuedKeyValue } from '../../contract/secret-value';
import { findConsumer, requireCurrentKey } from '../consumer-lookup';
import { CliError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import type { Session } from '../session';

export interface GetOptions {
  /** Print the key value. @default false */
  readonly show?: boolean;
}

export async function getCommand(
  session: Session,
  name: string,
  options: GetOptions
): Promise<ExitCodeValue> {
  const status = await findConsumer(session, name);
  const key = requireCurrentKey(status);
  const result = {
    consumer: status.consumer,
    service: status.service,
    secretName: status.secretName,
    keyId: key.keyId,
    versionId: status.currentVersion ?? null,
    keyCreated: key.createdDate?.toISOString() ?? null,
  };
  if (!options.show) {
    session.print(result, () => key.keyId);
    return ExitCode.OK;
  }
  const secret = await session.clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: status.secretArn, VersionStage: 'AWSCURRENT' })
  );
  const issued = JSON.parse(secret.SecretString ?? '{}') as Partial<IssuedKeyValue>;
  if (typeof issued.value !== 'string' || issued.keyId !== key.keyId)
    throw new CliError(
      `${status.consumer}: the AWSCURRENT secret value does not name key ${key.keyId}; ` +
        'a rotation may have finished meanwhile: run the command again',
      ExitCode.FAILURE,
      'changed'
    );
  const value = issued.value;
  session.print({ ...result, value }, () => value);
  return ExitCode.OK;
}
