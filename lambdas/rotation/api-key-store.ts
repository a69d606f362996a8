/**
 * The API Gateway calls the function makes: one SDK call per method (list methods page through
 * 500 items a call), "not found" and "already a member" turned into values. Retries are the
 * SDK's; pacing is the client's middleware.
 */
import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { isAwsError } from './aws-errors';
import {
  apiKeyArn,
  isMadeFor,
  keyName,
  toManagedKey,
  type KeyOrigin,
  type ManagedKey,
} from './managed-key';

/** API Gateway's largest page. */
export const API_GATEWAY_PAGE_SIZE = 500;

/** Thrown by addToPlan when the plan does not exist. */
export class UsagePlanNotFound extends Error {
  constructor(readonly planId: string) {
    super(`usage plan ${planId} does not exist`);
    this.name = 'UsagePlanNotFound';
  }
}

/**
 * Thrown by addToPlan when API Gateway answers ConflictException and the key is not in the plan:
 * the conflict is another, most often that the key is in another plan for one of this plan's API
 * stages, which API Gateway refuses.
 */
export class UsagePlanConflict extends Error {
  constructor(
    readonly planId: string,
    readonly keyId: string,
    readonly reason: string
  ) {
    super(`API Gateway refused to add key ${keyId} to usage plan ${planId}: ${reason}`);
    this.name = 'UsagePlanConflict';
  }
}

export interface NewKey {
  readonly name: string;
  readonly value: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
}

export class ApiKeyStore {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly region: string
  ) {}

  /**
   * The keys made for a secret version, found by name and checked by tags: the crash-recovery
   * lookup. Usually one page of one key.
   */
  async findMadeFor(
    origin: KeyOrigin,
    consumer: string,
    options: { readonly includeValues: boolean }
  ): Promise<ManagedKey[]> {
    const keys = await this.pages((position) =>
      this.client.send(
        new GetApiKeysCommand({
          nameQuery: keyName(consumer, origin.versionId),
          includeValues: options.includeValues,
          limit: API_GATEWAY_PAGE_SIZE,
          position,
        })
      )
    );
    return keys.map(toManagedKey).filter((key) => isMadeFor(key, origin));
  }

  /**
   * Every API key in the account and region (N/500 calls), with values: a key's creation proof
   * covers its value's digest (ownership.ts), and the same pages carry it at no extra call.
   */
  async listAll(): Promise<ManagedKey[]> {
    const keys = await this.pages((position) =>
      this.client.send(
        new GetApiKeysCommand({ includeValues: true, limit: API_GATEWAY_PAGE_SIZE, position })
      )
    );
    return keys.map(toManagedKey);
  }

  /** Creates an enabled key with its tags in one call, so it is traceable from the start. */
  async create(key: NewKey): Promise<ManagedKey> {
    const out = await this.client.send(
      new CreateApiKeyCommand({
        name: key.name,
        description: key.description,
        value: key.value,
        enabled: true,
        tags: { ...key.tags },
      })
    );
    return toManagedKey({ ...out, value: undefined });
  }

  /** The key, or undefined when it does not exist. */
  async get(keyId: string): Promise<ManagedKey | undefined> {
    try {
      return toManagedKey(
        await this.client.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: false }))
      );
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return undefined;
      throw error;
    }
  }

  /**
   * The key with its value, or undefined when it does not exist: only for adopting a key the
   * deployer named, the one time its value is read. Never log the result.
   */
  async getWithValue(keyId: string): Promise<ManagedKey | undefined> {
    try {
      return toManagedKey(
        await this.client.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }))
      );
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return undefined;
      throw error;
    }
  }

  /** Renames a key and replaces its description; false when the key does not exist. */
  async describeAs(keyId: string, name: string, description: string): Promise<boolean> {
    return this.unlessNotFound(() =>
      this.client.send(
        new UpdateApiKeyCommand({
          apiKey: keyId,
          patchOperations: [
            { op: 'replace', path: '/name', value: name },
            { op: 'replace', path: '/description', value: description },
          ],
        })
      )
    );
  }

  /** Enables or disables a key; false when the key does not exist. */
  async setEnabled(keyId: string, enabled: boolean): Promise<boolean> {
    return this.unlessNotFound(() =>
      this.client.send(
        new UpdateApiKeyCommand({
          apiKey: keyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }],
        })
      )
    );
  }

  /** Adds or overwrites tags on a key; false when the key does not exist. */
  async tag(keyId: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return this.unlessNotFound(() =>
      this.client.send(
        new TagResourceCommand({ resourceArn: apiKeyArn(this.region, keyId), tags: { ...tags } })
      )
    );
  }

  /** Deletes a key; false when it was already gone. */
  async delete(keyId: string): Promise<boolean> {
    return this.unlessNotFound(() => this.client.send(new DeleteApiKeyCommand({ apiKey: keyId })));
  }

  /**
   * Adds a key to a usage plan; "already a member" is success. A ConflictException counts as
   * membership only when the plan's member list shows the key (one listing, on that path only):
   * API Gateway answers the same exception when the key is in another plan for a stage of this
   * one, and the key is then not in the plan (UsagePlanConflict).
   */
  async addToPlan(planId: string, keyId: string): Promise<'added' | 'already-member'> {
    try {
      await this.client.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId, keyType: 'API_KEY' })
      );
      return 'added';
    } catch (error) {
      if (isAwsError(error, 'ConflictException')) {
        if ((await this.listPlanMembers(planId)).includes(keyId)) return 'already-member';
        throw new UsagePlanConflict(planId, keyId, (error as Error).message);
      }
      if (isAwsError(error, 'NotFoundException')) {
        // API Gateway answers NotFound for a missing plan and for a missing key alike.
        throw new UsagePlanNotFound(planId);
      }
      throw error;
    }
  }

  /** Removes a key from a usage plan; "not a member" is success. */
  async removeFromPlan(planId: string, keyId: string): Promise<'removed' | 'not-member'> {
    const removed = await this.unlessNotFound(() =>
      this.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId }))
    );
    return removed ? 'removed' : 'not-member';
  }

  /** Ids of the usage plans a key belongs to. */
  async plansOf(keyId: string): Promise<string[]> {
    const plans = await this.pages((position) =>
      this.client.send(new GetUsagePlansCommand({ keyId, limit: API_GATEWAY_PAGE_SIZE, position }))
    );
    return plans.flatMap((plan) => (plan.id === undefined ? [] : [plan.id]));
  }

  /** Ids of every usage plan in the account and region. */
  async listPlanIds(): Promise<string[]> {
    const plans = await this.pages((position) =>
      this.client.send(new GetUsagePlansCommand({ limit: API_GATEWAY_PAGE_SIZE, position }))
    );
    return plans.flatMap((plan) => (plan.id === undefined ? [] : [plan.id]));
  }

  /** Ids of the keys in a usage plan; empty when the plan is gone. */
  async listPlanMembers(planId: string): Promise<string[]> {
    try {
      const members = await this.pages((position) =>
        this.client.send(
          new GetUsagePlanKeysCommand({
            usagePlanId: planId,
            limit: API_GATEWAY_PAGE_SIZE,
            position,
          })
        )
      );
      return members.flatMap((member) => (member.id === undefined ? [] : [member.id]));
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return [];
      throw error;
    }
  }

  private async pages<T>(
    fetchPage: (position: string | undefined) => Promise<{ items?: T[]; position?: string }>
  ): Promise<T[]> {
    const items: T[] = [];
    let position: string | undefined;
    do {
      const page = await fetchPage(position);
      items.push(...(page.items ?? []));
      position = page.position === position ? undefined : page.position;
    } while (position !== undefined);
    return items;
  }

  private async unlessNotFound(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return false;
      throw error;
    }
  }
}
