/**
 * The Secrets Manager calls the function makes, each one a single SDK call with the
 * "not there" answers turned into values. Retries are the SDK's.
 *
 * What is cached, and why it is safe: the issued-key value of a version, by secret and version
 * id, for the container's life (up to ISSUED_CACHE_LIMIT versions). Secrets Manager never
 * changes a version's value once written (a different value under the same token is refused),
 * so a warm container that wrote or read a version in one rotation step reads it again for free
 * in the next. Nothing else is cached: DescribeSecret's staging labels and tags change between
 * steps and are read once per invocation; a version with no value yet may get one.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type RotationRulesType,
  type SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import type { IssuedKeyValue } from '../../contract';
import { isAwsError } from './aws-errors';
import { parseSecretValue, serializeIssuedKey, type VersionContent } from './secret-value';

/** Secrets Manager's staging labels that rotation moves. */
export const Stage = {
  CURRENT: 'AWSCURRENT',
  PENDING: 'AWSPENDING',
} as const;

/** What DescribeSecret or ListSecrets tells about a secret. */
export interface SecretState {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** True when the secret is scheduled for deletion. */
  readonly deleted: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Version id to staging labels, for versions that have labels. */
  readonly versions: ReadonlyMap<string, readonly string[]>;
  /** When the secret was created. */
  readonly createdDate?: Date;
  /** The rotation schedule: a `rate(...)`/`cron(...)` expression, or a number of days. */
  readonly rotationRules?: RotationRules;
  /**
   * When a Secrets Manager rotation last completed (AWS: "the most recent date and time that
   * the Secrets Manager rotation process was successfully completed"). Only Secrets Manager
   * sets it; the cool-downs start from it (cool-down.ts).
   */
  readonly lastRotatedDate?: Date;
}

/** What Secrets Manager says about a secret's rotation schedule. */
export interface RotationRules {
  readonly scheduleExpression?: string;
  readonly automaticallyAfterDays?: number;
}

/** Issued-key values remembered per container; the oldest go first. */
export const ISSUED_CACHE_LIMIT = 1_000;

/** ListSecrets' largest page. */
export const SECRETS_PAGE_SIZE = 100;

/** The version that carries a staging label, if any. */
export function versionStagedAs(secret: SecretState, stage: string): string | undefined {
  for (const [versionId, stages] of secret.versions) {
    if (stages.includes(stage)) return versionId;
  }
  return undefined;
}

/**
 * The version of a rotation in progress: staged AWSPENDING and not AWSCURRENT. A finished
 * rotation may leave AWSPENDING on the current version (AWS's templates do); that is not one.
 */
export function rotationInProgress(secret: SecretState): string | undefined {
  for (const [versionId, stages] of secret.versions) {
    if (stages.includes(Stage.PENDING) && !stages.includes(Stage.CURRENT)) return versionId;
  }
  return undefined;
}

export class SecretStore {
  /** `secret \n version id` -> the issued-key value that version holds (never changes). */
  private readonly issued = new Map<string, IssuedKeyValue>();

  constructor(private readonly client: SecretsManagerClient) {}

  /** The secret's state, or undefined when it does not exist. */
  async describe(secretId: string): Promise<SecretState | undefined> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return toState({
        arn: out.ARN,
        name: out.Name,
        rotationEnabled: out.RotationEnabled,
        deletedDate: out.DeletedDate,
        tags: out.Tags,
        versions: out.VersionIdsToStages,
        createdDate: out.CreatedDate,
        rotationRules: out.RotationRules,
        lastRotatedDate: out.LastRotatedDate,
      });
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /**
   * What a version holds; a version without a value (or none at all) reads as empty. An issued
   * value read or written before by this container, asked for by version id, costs no call.
   */
  async read(secretId: string, versionId?: string, stage?: string): Promise<VersionContent> {
    const cached =
      versionId === undefined ? undefined : this.issued.get(cacheKey(secretId, versionId));
    if (cached !== undefined) return { kind: 'issued', value: cached };
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: stage })
      );
      const content = parseSecretValue(out.SecretString);
      if (content.kind === 'issued' && versionId !== undefined) {
        this.remember(secretId, versionId, content.value);
      }
      return content;
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return { kind: 'empty' };
      throw error;
    }
  }

  /**
   * Writes an issued key as the version `token`, staged AWSPENDING. Repeating the same write
   * is a no-op; 'exists' means the version already holds a different value.
   */
  async putPending(
    arn: string,
    token: string,
    value: IssuedKeyValue
  ): Promise<'written' | 'exists'> {
    try {
      await this.client.send(
        new PutSecretValueCommand({
          SecretId: arn,
          ClientRequestToken: token,
          SecretString: serializeIssuedKey(value),
          VersionStages: [Stage.PENDING],
        })
      );
      this.remember(arn, token, value);
      return 'written';
    } catch (error) {
      if (isAwsError(error, 'ResourceExistsException')) return 'exists';
      throw error;
    }
  }

  /** Moves AWSCURRENT to `token`, off `from` (Secrets Manager then labels `from` AWSPREVIOUS). */
  async promote(arn: string, token: string, from: string | undefined): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: Stage.CURRENT,
        MoveToVersionId: token,
        RemoveFromVersionId: from,
      })
    );
  }

  /**
   * Removes AWSPENDING from a version whose rotation was refused, so that neither a later
   * RotateSecret nor a revoke finds a rotation in progress.
   */
  async dropPending(arn: string, versionId: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: Stage.PENDING,
        RemoveFromVersionId: versionId,
      })
    );
  }

  private remember(secretId: string, versionId: string, value: IssuedKeyValue): void {
    if (this.issued.size >= ISSUED_CACHE_LIMIT) {
      const [oldest] = this.issued.keys();
      this.issued.delete(oldest);
    }
    this.issued.set(cacheKey(secretId, versionId), value);
  }

  /** Every secret whose name starts with `prefix`, those scheduled for deletion included. */
  async listByNamePrefix(prefix: string): Promise<SecretState[]> {
    const secrets: SecretState[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new ListSecretsCommand({
          Filters: [{ Key: 'name', Values: [prefix] }],
          IncludePlannedDeletion: true,
          MaxResults: SECRETS_PAGE_SIZE,
          NextToken: nextToken,
        })
      );
      for (const entry of out.SecretList ?? []) {
        const state = toState({
          arn: entry.ARN,
          name: entry.Name,
          rotationEnabled: entry.RotationEnabled,
          deletedDate: entry.DeletedDate,
          tags: entry.Tags,
          versions: entry.SecretVersionsToStages,
          createdDate: entry.CreatedDate,
          rotationRules: entry.RotationRules,
          lastRotatedDate: entry.LastRotatedDate,
        });
        // The name filter is a case-insensitive prefix match: check it exactly.
        if (state.name.startsWith(prefix)) secrets.push(state);
      }
      nextToken = out.NextToken === nextToken ? undefined : out.NextToken;
    } while (nextToken !== undefined);
    return secrets;
  }
}

function cacheKey(secretId: string, versionId: string): string {
  return `${secretId}\n${versionId}`;
}

function toState(raw: {
  arn?: string;
  name?: string;
  rotationEnabled?: boolean;
  deletedDate?: Date;
  tags?: Tag[];
  versions?: Record<string, string[]>;
  createdDate?: Date;
  rotationRules?: RotationRulesType;
  lastRotatedDate?: Date;
}): SecretState {
  const tags: Record<string, string> = {};
  for (const tag of raw.tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  }
  return {
    arn: raw.arn ?? '',
    name: raw.name ?? '',
    rotationEnabled: raw.rotationEnabled === true,
    deleted: raw.deletedDate !== undefined && raw.deletedDate !== null,
    tags,
    versions: new Map(Object.entries(raw.versions ?? {})),
    ...(raw.createdDate instanceof Date && { createdDate: raw.createdDate }),
    ...(raw.rotationRules && { rotationRules: rotationRulesOf(raw.rotationRules) }),
    ...(raw.lastRotatedDate instanceof Date && { lastRotatedDate: raw.lastRotatedDate }),
  };
}

function rotationRulesOf(raw: RotationRulesType): RotationRules {
  return {
    ...(raw.ScheduleExpression && { scheduleExpression: raw.ScheduleExpression }),
    ...(raw.AutomaticallyAfterDays && { automaticallyAfterDays: raw.AutomaticallyAfterDays }),
  };
}
