/**
 * A small stateful stand-in for Secrets Manager and API Gateway, installed with
 * aws-sdk-client-mock (`mockClient` per client). It keeps secrets with versions and staging
 * labels, API keys with tags, and usage-plan memberships, answers the commands the rotation
 * Lambda sends with AWS's documented behaviour (including its errors), and pages list calls.
 * Tests use it for multi-step flows and to count calls; single-call tests stub commands
 * directly with `.on(Command).resolves(...)`.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsageCommand,
  GetUsagePlansCommand,
  NotFoundException,
  TagResourceCommand,
  UpdateApiKeyCommand,
  UpdateUsageCommand,
  type ApiKey,
} from '@aws-sdk/client-api-gateway';
import {
  GenerateMacCommand,
  KMSClient,
  KMSInvalidMacException,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type Filter,
} from '@aws-sdk/client-secrets-manager';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { BOOTSTRAP_STAGE, bootstrapValue, KeyTag, SecretTag } from '../../../../contract';
import type { KeyOrigin } from '../../../../lambdas/rotation/managed-key';
import {
  CREATION_PROOF_PREFIX,
  creationProofMessage,
  proofMessage,
  type ProofSubject,
} from '../../../../lambdas/rotation/ownership';
import { periodStart, utcDay } from '../../../../lambdas/rotation/quota-split';
import type { PlanQuota } from '../../../../lambdas/rotation/usage-counters';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
/** The service's KMS HMAC key, as the fake knows it: its id and its (secret) key material. */
export const OWNERSHIP_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const OWNERSHIP_KEY_MATERIAL = Buffer.from('fake-kms-hmac-256-key-material-0');

export interface FakeVersion {
  value?: string;
  stages: string[];
}

export interface FakeSecret {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  deletedDate?: Date;
  tags: Record<string, string>;
  versions: Map<string, FakeVersion>;
  createdDate?: Date;
  rotationRules?: { ScheduleExpression?: string; AutomaticallyAfterDays?: number };
  /** When a Secrets Manager rotation last completed: tests set it, as AWS would. */
  lastRotatedDate?: Date;
}

export interface FakeKey {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
  createdDate: Date;
  tags: Record<string, string>;
  description?: string;
}

export interface CallRecord {
  readonly service: 'secretsmanager' | 'apigateway' | 'kms';
  readonly command: string;
}

type Failure = { error: Error; remaining: number; afterEffect: boolean };

export class FakeAws {
  readonly secretsManager: AwsClientStub<SecretsManagerClient>;
  readonly apiGateway: AwsClientStub<APIGatewayClient>;
  readonly kms: AwsClientStub<KMSClient>;
  /** The region whose API Gateway this fake is. */
  readonly region: string;
  /** The class whose clients reach this fake's API Gateway. */
  private readonly apiGatewayClass: typeof APIGatewayClient;
  /** Starts the ids of the keys this fake makes. */
  private readonly keyIdPrefix: string;
  readonly secrets = new Map<string, FakeSecret>();
  readonly keys = new Map<string, FakeKey>();
  readonly plans = new Map<string, Set<string>>();
  readonly quotas = new Map<string, PlanQuota>();
  /** Usage counters per "<plan> <key>": requests and UpdateUsage adjustments per UTC day. */
  private readonly usage = new Map<
    string,
    { used: Map<string, number>; adjust: Map<string, number> }
  >();
  /** The instant CreateApiKey stamps as createdDate. */
  now: () => Date = () => new Date('2025-06-01T12:00:00.000Z');
  private readonly failures = new Map<string, Failure[]>();
  private readonly hooks = new Map<string, (() => void)[]>();
  private nextId = 1;
  private static secretSerial = 1;

  /**
   * The primary region's fake, or with `region` the API Gateway of a further region: that one
   * mocks subclasses of the SDK clients, so only the clients it makes (apiGatewayClient()) reach
   * it and the primary fake's class-wide mocks stay as they are.
   */
  constructor(options: { readonly region?: string } = {}) {
    this.region = options.region ?? REGION;
    const further = options.region !== undefined;
    this.apiGatewayClass = further
      ? withOwnSend(class extends APIGatewayClient {})
      : APIGatewayClient;
    this.keyIdPrefix = further ? 'r' : 'k';
    this.secretsManager = mockClient(
      further ? withOwnSend(class extends SecretsManagerClient {}) : SecretsManagerClient
    );
    this.apiGateway = mockClient(this.apiGatewayClass);
    this.kms = mockClient(further ? withOwnSend(class extends KMSClient {}) : KMSClient);
    this.install();
  }

  /** A client that reaches this fake's API Gateway. */
  apiGatewayClient(): APIGatewayClient {
    return new this.apiGatewayClass({ region: this.region });
  }

  /** Clears state, recorded calls and injected failures. */
  reset(): void {
    this.secretsManager.reset();
    this.apiGateway.reset();
    this.kms.reset();
    this.secrets.clear();
    this.keys.clear();
    this.plans.clear();
    this.quotas.clear();
    this.usage.clear();
    this.failures.clear();
    this.hooks.clear();
    this.nextId = 1;
    this.install();
  }

  /** Every command sent so far, in order per client. */
  calls(): CallRecord[] {
    const name = (input: unknown): string =>
      (input as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    return [
      ...this.secretsManager
        .calls()
        .map((call) => ({ service: 'secretsmanager' as const, command: name(call.args[0]) })),
      ...this.apiGateway
        .calls()
        .map((call) => ({ service: 'apigateway' as const, command: name(call.args[0]) })),
      ...this.kms.calls().map((call) => ({ service: 'kms' as const, command: name(call.args[0]) })),
    ];
  }

  /** Every command sent so far, in the order sent across the three clients. */
  sequence(): string[] {
    return FakeAws.sequenceOf(this);
  }

  /**
   * Every command sent to these fakes, in the order sent; calls to a further region's fake are
   * named `apigateway[<region>].<command>`.
   */
  static sequenceOf(...fakes: readonly FakeAws[]): string[] {
    return fakes
      .flatMap((fake) => fake.entries())
      .sort((a, b) => a.callId - b.callId)
      .map((entry) => entry.name);
  }

  private entries(): { callId: number; name: string }[] {
    const entries = (service: string, mock: { calls(): unknown[] }) =>
      (mock.calls() as { callId: number; args: unknown[] }[]).map((call) => ({
        callId: call.callId,
        name: `${service}.${(call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '')}`,
      }));
    const further = this.keyIdPrefix !== 'k';
    return [
      ...entries('secretsmanager', this.secretsManager),
      ...entries(further ? `apigateway[${this.region}]` : 'apigateway', this.apiGateway),
      ...entries('kms', this.kms),
    ];
  }

  /** Number of calls per command name. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.calls()) counts[call.command] = (counts[call.command] ?? 0) + 1;
    return counts;
  }

  clearCalls(): void {
    this.secretsManager.resetHistory();
    this.apiGateway.resetHistory();
    this.kms.resetHistory();
  }

  /**
   * The next `times` calls of a command fail with `error` (after recording the call). With
   * `afterEffect`, each call takes effect first and only its answer is lost, as after a
   * connection reset once AWS has acted.
   */
  failNext(
    command: string,
    error: Error,
    times = 1,
    options: { afterEffect?: boolean } = {}
  ): void {
    const list = this.failures.get(command) ?? [];
    list.push({ error, remaining: times, afterEffect: options.afterEffect === true });
    this.failures.set(command, list);
  }

  /** Runs `change` just before the next call of a command: the world moving under the code. */
  beforeNext(command: string, change: () => void): void {
    const list = this.hooks.get(command) ?? [];
    list.push(change);
    this.hooks.set(command, list);
  }

  addPlan(id: string, quota?: PlanQuota): void {
    this.plans.set(id, new Set());
    if (quota !== undefined) this.quotas.set(id, quota);
  }

  /**
   * Requests made with a key through a plan on `day` (default today), as API Gateway counts
   * them: refused (not counted) with a disabled key, outside the plan, or beyond the quota.
   * Returns how many were counted.
   */
  addTraffic(planId: string, keyId: string, requests: number, day = utcDay(this.now())): number {
    const key = this.keys.get(keyId);
    if (key === undefined || !key.enabled || !this.plans.get(planId)?.has(keyId)) return 0;
    const counters = this.countersOf(planId, keyId);
    const quota = this.quotas.get(planId);
    const accepted =
      quota === undefined ? requests : Math.min(requests, this.remainingAt(planId, keyId, day));
    counters.used.set(day, (counters.used.get(day) ?? 0) + accepted);
    return accepted;
  }

  /** What the key has left of the plan's quota at the end of `day` (0 without a quota). */
  remainingAt(planId: string, keyId: string, day: string): number {
    const quota = this.quotas.get(planId);
    if (quota === undefined) return 0;
    const counters = this.countersOf(planId, keyId);
    let total = quota.limit;
    for (let d = periodStart(day, quota.period); d <= day; d = nextDay(d)) {
      total += (counters.adjust.get(d) ?? 0) - (counters.used.get(d) ?? 0);
    }
    return Math.max(0, total);
  }

  private countersOf(planId: string, keyId: string) {
    const id = `${planId} ${keyId}`;
    const counters = this.usage.get(id) ?? { used: new Map(), adjust: new Map() };
    this.usage.set(id, counters);
    return counters;
  }

  /** A secret as Terraform leaves it: tags, rotation on, the bootstrap placeholder AWSCURRENT. */
  addSecret(options: {
    name: string;
    tags: Record<string, string>;
    rotationEnabled?: boolean;
    initialVersion?: string;
  }): FakeSecret {
    // Never reused, even after reset(), as in AWS: the function caches by ARN per container.
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${options.name}-AbC${FakeAws.secretSerial++}`;
    const consumer = options.tags[SecretTag.CONSUMER] ?? 'unknown';
    const secret: FakeSecret = {
      arn,
      name: options.name,
      rotationEnabled: options.rotationEnabled ?? true,
      tags: { ...options.tags },
      versions: new Map([
        [
          options.initialVersion ?? 'terraform-initial-version-0000000000',
          {
            value: JSON.stringify(bootstrapValue(consumer)),
            stages: ['AWSCURRENT', BOOTSTRAP_STAGE],
          },
        ],
      ]),
    };
    this.secrets.set(arn, secret);
    return secret;
  }

  /** What RotateSecret does before it calls the function: an empty version staged AWSPENDING. */
  startRotation(secret: FakeSecret, token: string): void {
    this.moveLabel(secret, 'AWSPENDING', token);
    secret.versions.set(token, { stages: ['AWSPENDING'] });
  }

  /**
   * A key as the function would have made it: with origin tags it also gets a valid ownership
   * proof, unless `forged` (the tags copied by someone without the HMAC key) or it has one.
   */
  addKey(
    key: Partial<FakeKey> & { id: string; tags: Record<string, string> },
    options: { forged?: boolean } = {}
  ): FakeKey {
    const full: FakeKey = {
      name: key.id,
      value: `value${key.id}`.padEnd(40, 'x'),
      enabled: true,
      createdDate: new Date('2025-01-01T00:00:00.000Z'),
      ...key,
    };
    const { tags } = full;
    const origin = [tags[KeyTag.SERVICE], tags[KeyTag.SECRET_ARN], tags[KeyTag.SECRET_VERSION]];
    if (
      options.forged !== true &&
      tags[KeyTag.PROOF] === undefined &&
      origin.every((tag) => tag !== undefined)
    ) {
      const [service, secretArn, versionId] = origin as string[];
      full.tags = {
        ...tags,
        [KeyTag.PROOF]: proofFor({ service, secretArn, versionId, keyId: full.id }),
      };
    }
    this.keys.set(full.id, full);
    return full;
  }

  addMember(planId: string, keyId: string): void {
    const members = this.plans.get(planId);
    if (members === undefined) throw new Error(`no plan ${planId}`);
    members.add(keyId);
  }

  plansOf(keyId: string): string[] {
    return [...this.plans].filter(([, members]) => members.has(keyId)).map(([id]) => id);
  }

  currentVersion(secret: FakeSecret): string | undefined {
    return [...secret.versions].find(([, v]) => v.stages.includes('AWSCURRENT'))?.[0];
  }

  /** The key id a version's value names. */
  keyIdOfVersion(secret: FakeSecret, versionId: string): string {
    const value = secret.versions.get(versionId)?.value;
    if (value === undefined) throw new Error(`version ${versionId} holds no value`);
    return (JSON.parse(value) as { keyId: string }).keyId;
  }

  /** Parsed JSON of the AWSCURRENT version. */
  currentValue(secret: FakeSecret): Record<string, unknown> {
    const id = this.currentVersion(secret);
    const value = id === undefined ? undefined : secret.versions.get(id)?.value;
    return value === undefined ? {} : (JSON.parse(value) as Record<string, unknown>);
  }

  // ---- installation --------------------------------------------------------------------

  private install(): void {
    const sm = this.secretsManager;
    sm.on(DescribeSecretCommand).callsFake((input) =>
      this.run('DescribeSecret', () => {
        const secret = this.findSecret(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          RotationEnabled: secret.rotationEnabled,
          DeletedDate: secret.deletedDate,
          Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
          VersionIdsToStages: this.stagesOf(secret),
          CreatedDate: secret.createdDate,
          RotationRules: secret.rotationRules,
          LastRotatedDate: secret.lastRotatedDate,
        };
      })
    );
    sm.on(GetSecretValueCommand).callsFake((input) =>
      this.run('GetSecretValue', () => {
        const secret = this.findSecret(input.SecretId);
        let versionId = input.VersionId;
        if (versionId === undefined) {
          const stage = input.VersionStage ?? 'AWSCURRENT';
          versionId = [...secret.versions].find(([, v]) => v.stages.includes(stage))?.[0];
        }
        const version = versionId === undefined ? undefined : secret.versions.get(versionId);
        if (version === undefined) throw notFound('no such version');
        if (input.VersionStage !== undefined && !version.stages.includes(input.VersionStage)) {
          throw new InvalidRequestException({
            message: 'VersionStage not associated with VersionId',
            $metadata: {},
          });
        }
        if (version.value === undefined) throw notFound("can't find the specified secret value");
        return { ARN: secret.arn, VersionId: versionId, SecretString: version.value };
      })
    );
    sm.on(PutSecretValueCommand).callsFake((input) =>
      this.run('PutSecretValue', () => {
        const secret = this.findSecret(input.SecretId);
        const token = input.ClientRequestToken ?? 'missing-token';
        const existing = secret.versions.get(token);
        if (existing?.value !== undefined) {
          if (existing.value !== input.SecretString) {
            throw new ResourceExistsException({
              message: 'You cannot modify an existing version',
              $metadata: {},
            });
          }
          return { ARN: secret.arn, VersionId: token };
        }
        for (const stage of input.VersionStages ?? ['AWSCURRENT']) {
          this.moveLabel(secret, stage, token);
        }
        secret.versions.set(token, {
          value: input.SecretString,
          stages: [...new Set([...(existing?.stages ?? []), ...(input.VersionStages ?? [])])],
        });
        return { ARN: secret.arn, VersionId: token };
      })
    );
    sm.on(UpdateSecretVersionStageCommand).callsFake((input) =>
      this.run('UpdateSecretVersionStage', () => {
        const secret = this.findSecret(input.SecretId);
        const stage = input.VersionStage ?? '';
        const holder = [...secret.versions].find(([, v]) => v.stages.includes(stage))?.[0];
        if (holder !== undefined && holder !== input.MoveToVersionId) {
          if (input.RemoveFromVersionId !== holder) {
            throw new InvalidParameterException({
              message: `${stage} is attached to ${holder}, not ${input.RemoveFromVersionId}`,
              $metadata: {},
            });
          }
        }
        if (input.RemoveFromVersionId !== undefined) {
          const from = secret.versions.get(input.RemoveFromVersionId);
          if (from === undefined || !from.stages.includes(stage)) {
            throw new InvalidParameterException({ message: 'label not there', $metadata: {} });
          }
          from.stages = from.stages.filter((s) => s !== stage);
          if (stage === 'AWSCURRENT') {
            this.moveLabel(secret, 'AWSPREVIOUS', input.RemoveFromVersionId);
            from.stages.push('AWSPREVIOUS');
          }
        }
        if (input.MoveToVersionId !== undefined) {
          const to = secret.versions.get(input.MoveToVersionId);
          if (to === undefined) {
            throw new InvalidParameterException({ message: 'no such version', $metadata: {} });
          }
          if (!to.stages.includes(stage)) to.stages.push(stage);
        }
        return { ARN: secret.arn };
      })
    );
    sm.on(ListSecretsCommand).callsFake((input) =>
      this.run('ListSecrets', () => {
        const prefix =
          (input.Filters as Filter[] | undefined)?.find((f) => f.Key === 'name')?.Values?.[0] ?? '';
        const all = [...this.secrets.values()]
          .filter((s) => s.name.toLowerCase().startsWith(prefix.toLowerCase()))
          .filter((s) => input.IncludePlannedDeletion === true || s.deletedDate === undefined)
          .sort((a, b) => a.arn.localeCompare(b.arn));
        const { page, next } = paginate(all, input.NextToken, input.MaxResults ?? 100);
        return {
          SecretList: page.map((secret) => ({
            ARN: secret.arn,
            Name: secret.name,
            RotationEnabled: secret.rotationEnabled,
            DeletedDate: secret.deletedDate,
            Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
            SecretVersionsToStages: this.stagesOf(secret),
            CreatedDate: secret.createdDate,
            RotationRules: secret.rotationRules,
          })),
          NextToken: next,
        };
      })
    );

    this.kms.on(GenerateMacCommand).callsFake((input) =>
      this.run('GenerateMac', () => {
        this.checkMacKey(input.KeyId);
        return { KeyId: input.KeyId, MacAlgorithm: input.MacAlgorithm, Mac: hmac(input.Message) };
      })
    );
    this.kms.on(VerifyMacCommand).callsFake((input) =>
      this.run('VerifyMac', () => {
        this.checkMacKey(input.KeyId);
        const expected = hmac(input.Message);
        const given = Buffer.from(input.Mac ?? new Uint8Array());
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          throw new KMSInvalidMacException({ message: 'invalid MAC', $metadata: {} });
        }
        return { KeyId: input.KeyId, MacAlgorithm: input.MacAlgorithm, MacValid: true };
      })
    );

    const api = this.apiGateway;
    api.on(GetApiKeysCommand).callsFake((input) =>
      this.run('GetApiKeys', () => {
        const matching = this.sortedKeys().filter(
          (key) => input.nameQuery === undefined || key.name.startsWith(input.nameQuery)
        );
        const { page, next } = paginate(matching, input.position, input.limit ?? 25);
        return {
          items: page.map((key) => this.toApiKey(key, input.includeValues === true)),
          position: next,
        };
      })
    );
    api
      .on(GetApiKeyCommand)
      .callsFake((input) =>
        this.run('GetApiKey', () =>
          this.toApiKey(this.findKey(input.apiKey), input.includeValue === true)
        )
      );
    api.on(CreateApiKeyCommand).callsFake((input) =>
      this.run('CreateApiKey', () => {
        // API Gateway keeps key values unique in a region.
        if ([...this.keys.values()].some((key) => key.value === input.value)) {
          throw new ConflictException({ message: 'API Key already exists', $metadata: {} });
        }
        const id = `${this.keyIdPrefix}${String(this.nextId++).padStart(9, '0')}`;
        const key: FakeKey = {
          id,
          name: input.name ?? id,
          value: input.value ?? `generated${id}`.padEnd(40, 'g'),
          enabled: input.enabled === true,
          createdDate: this.now(),
          tags: { ...(input.tags ?? {}) },
          description: input.description,
        };
        this.keys.set(id, key);
        return this.toApiKey(key, true);
      })
    );
    api.on(UpdateApiKeyCommand).callsFake((input) =>
      this.run('UpdateApiKey', () => {
        const key = this.findKey(input.apiKey);
        for (const op of input.patchOperations ?? []) {
          if (op.op === 'replace' && op.path === '/enabled') key.enabled = op.value === 'true';
          if (op.op === 'replace' && op.path === '/name') key.name = op.value ?? '';
          if (op.op === 'replace' && op.path === '/description') key.description = op.value;
        }
        return this.toApiKey(key, false);
      })
    );
    api.on(DeleteApiKeyCommand).callsFake((input) =>
      this.run('DeleteApiKey', () => {
        const key = this.findKey(input.apiKey);
        this.keys.delete(key.id);
        for (const members of this.plans.values()) members.delete(key.id);
        return {};
      })
    );
    api.on(TagResourceCommand).callsFake((input) =>
      this.run('TagResource', () => {
        const match = /^arn:aws:apigateway:([a-z0-9-]+)::\/apikeys\/([A-Za-z0-9]+)$/.exec(
          input.resourceArn ?? ''
        );
        if (match === null || match[1] !== this.region) {
          throw new Error(`unexpected ARN ${input.resourceArn} in ${this.region}`);
        }
        const key = this.findKey(match[2]);
        Object.assign(key.tags, input.tags);
        return {};
      })
    );
    api.on(CreateUsagePlanKeyCommand).callsFake((input) =>
      this.run('CreateUsagePlanKey', () => {
        const members = this.plans.get(input.usagePlanId ?? '');
        if (members === undefined) throw apiNotFound('Invalid Usage Plan ID specified');
        const key = this.findKey(input.keyId);
        if (members.has(key.id)) {
          throw new ConflictException({ message: 'already in the usage plan', $metadata: {} });
        }
        members.add(key.id);
        return { id: key.id, type: 'API_KEY', name: key.name };
      })
    );
    api.on(DeleteUsagePlanKeyCommand).callsFake((input) =>
      this.run('DeleteUsagePlanKey', () => {
        const members = this.plans.get(input.usagePlanId ?? '');
        if (members === undefined || !members.has(input.keyId ?? '')) {
          throw apiNotFound('Invalid Usage Plan Key identifier');
        }
        members.delete(input.keyId ?? '');
        return {};
      })
    );
    api.on(GetUsagePlansCommand).callsFake((input) =>
      this.run('GetUsagePlans', () => {
        if (input.keyId !== undefined) this.findKey(input.keyId);
        const ids = [...this.plans.keys()]
          .filter((id) => input.keyId === undefined || this.plans.get(id)?.has(input.keyId))
          .sort();
        const { page, next } = paginate(ids, input.position, input.limit ?? 25);
        return {
          items: page.map((id) => ({ id, name: id, quota: this.quotas.get(id) })),
          position: next,
        };
      })
    );
    api.on(GetUsageCommand).callsFake((input) =>
      this.run('GetUsage', () => {
        const members = this.plans.get(input.usagePlanId ?? '');
        if (members === undefined) throw apiNotFound('Invalid Usage Plan ID specified');
        const planId = input.usagePlanId ?? '';
        const items: Record<string, number[][]> = {};
        for (const keyId of [...members].sort()) {
          if (input.keyId !== undefined && input.keyId !== keyId) continue;
          const days: number[][] = [];
          for (let d = input.startDate ?? ''; d <= (input.endDate ?? ''); d = nextDay(d)) {
            const used = this.countersOf(planId, keyId).used.get(d) ?? 0;
            days.push([used, this.remainingAt(planId, keyId, d)]);
          }
          items[keyId] = days;
        }
        return { usagePlanId: planId, startDate: input.startDate, endDate: input.endDate, items };
      })
    );
    api.on(UpdateUsageCommand).callsFake((input) =>
      this.run('UpdateUsage', () => {
        const planId = input.usagePlanId ?? '';
        const keyId = input.keyId ?? '';
        if (!this.plans.get(planId)?.has(keyId)) throw apiNotFound('Invalid API Key identifier');
        const today = utcDay(this.now());
        for (const op of input.patchOperations ?? []) {
          const delta = Number(op.value) - this.remainingAt(planId, keyId, today);
          const counters = this.countersOf(planId, keyId);
          counters.adjust.set(today, (counters.adjust.get(today) ?? 0) + delta);
        }
        return { items: { [keyId]: [[0, this.remainingAt(planId, keyId, today)]] } };
      })
    );
    api.on(GetUsagePlanKeysCommand).callsFake((input) =>
      this.run('GetUsagePlanKeys', () => {
        const members = this.plans.get(input.usagePlanId ?? '');
        if (members === undefined) throw apiNotFound('Invalid Usage Plan ID specified');
        const { page, next } = paginate([...members].sort(), input.position, input.limit ?? 25);
        return { items: page.map((id) => ({ id, type: 'API_KEY' })), position: next };
      })
    );
  }

  private run<T>(command: string, body: () => T): Promise<T> {
    this.hooks.get(command)?.shift()?.();
    const queue = this.failures.get(command);
    const failure = queue?.[0];
    if (failure !== undefined) {
      failure.remaining--;
      if (failure.remaining <= 0) queue?.shift();
      if (failure.afterEffect) {
        try {
          body();
        } catch {
          // The effect failed on its own; the caller sees the injected error either way.
        }
      }
      return Promise.reject(failure.error);
    }
    try {
      return Promise.resolve(body());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private checkMacKey(keyId: string | undefined): void {
    if (keyId !== OWNERSHIP_KEY_ID) throw new Error(`unexpected KMS key ${keyId}`);
  }

  private findSecret(id: string | undefined): FakeSecret {
    const secret = [...this.secrets.values()].find((s) => s.arn === id || s.name === id);
    if (secret === undefined) throw notFound("Secrets Manager can't find the specified secret.");
    return secret;
  }

  private findKey(id: string | undefined): FakeKey {
    const key = this.keys.get(id ?? '');
    if (key === undefined) throw apiNotFound('Invalid API Key identifier specified');
    return key;
  }

  private sortedKeys(): FakeKey[] {
    return [...this.keys.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private toApiKey(key: FakeKey, includeValue: boolean): ApiKey {
    return {
      id: key.id,
      name: key.name,
      enabled: key.enabled,
      createdDate: key.createdDate,
      tags: { ...key.tags },
      ...(includeValue ? { value: key.value } : {}),
    };
  }

  private stagesOf(secret: FakeSecret): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [id, version] of secret.versions) {
      if (version.stages.length > 0) out[id] = [...version.stages];
    }
    return out;
  }

  private moveLabel(secret: FakeSecret, stage: string, to: string): void {
    for (const [id, version] of secret.versions) {
      if (id !== to) version.stages = version.stages.filter((s) => s !== stage);
    }
  }
}

/**
 * Gives a client subclass a `send` of its own, which mockClient then stubs: sinon refuses to
 * stub the inherited one while the base class's is stubbed.
 */
function withOwnSend<T extends abstract new (...args: never[]) => unknown>(subclass: T): T {
  Object.defineProperty(subclass.prototype, 'send', {
    value: () => Promise.reject(new Error('not mocked')),
    writable: true,
    configurable: true,
  });
  return subclass;
}

function hmac(message: Uint8Array | undefined): Buffer {
  return createHmac('sha256', OWNERSHIP_KEY_MATERIAL)
    .update(message ?? new Uint8Array())
    .digest();
}

/** The record proof the function would compute for a key (base64 MAC), for seeding owned keys. */
export function proofFor(subject: ProofSubject): string {
  return hmac(proofMessage(subject)).toString('base64');
}

/** The creation proof the function sends with CreateApiKey for a key with `value`. */
export function creationProofFor(origin: KeyOrigin, value: string): string {
  return CREATION_PROOF_PREFIX + hmac(creationProofMessage(origin, value)).toString('base64');
}

function paginate<T>(
  all: readonly T[],
  position: string | undefined,
  limit: number
): { page: T[]; next?: string } {
  const start = position === undefined ? 0 : Number(position);
  const page = all.slice(start, start + limit);
  const end = start + page.length;
  return end < all.length ? { page, next: String(end) } : { page };
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}

function apiNotFound(message: string): NotFoundException {
  return new NotFoundException({ message, $metadata: {} });
}

/** The UTC day after `day` (yyyy-MM-dd). */
function nextDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000));
}
