/**
 * What the keys of a rotation service hand to it and take from it: their consumers (for the
 * name, secret and capacity rules), their readers (for the KMS key policy), and the resources a
 * key's rotation must wait for. Internal to the constructs: not exported from the package.
 */
import type { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import type { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { IConstruct } from 'constructs';
import type { BlastRadiusPolicy } from '../contract/blast-radius';
import { conflict } from './errors';
import type { AdoptionTarget } from './key-adoption';
import type { UsagePlan } from './usage-plan';

/** One consumer, as its service counts it. */
export interface ConsumerRecord {
  /** Construct path of the {@link ManagedApiKey}. */
  readonly path: string;
  readonly consumer: string;
  /** Full secret name; undefined while it is a token. */
  readonly secretName?: string;
  readonly gracePeriodSeconds: number;
  /** Shortest time between two rotations of the consumer's schedule. */
  readonly shortestGapSeconds: number;
  /** The usage plans the consumer's key belongs to. */
  readonly plans: readonly UsagePlan[];
  /** Its live- and retained-key caps, which bound the keys it holds (capacity.ts). */
  readonly blastRadius: BlastRadiusPolicy;
}

/** A rotation service's side of the wiring. */
export interface ServiceWiring {
  /** The account's API Gateway quotas in the region, as the service states them. */
  readonly quotas: { readonly apiKeysPerRegion: number; readonly usagePlansPerRegion: number };
  /** Seconds a retired key is kept before the sweep deletes it. */
  readonly retentionSeconds: number;
  /** Seconds between two sweeps: a key is deleted up to one period after its time. */
  readonly sweepPeriodSeconds: number;
  /** By consumer name. */
  readonly consumers: Map<string, ConsumerRecord>;
  /**
   * Keys the service may hold in the region, when stated (RotationServiceProps.keyBudget).
   * @default - the sum of its consumers' caps
   */
  readonly keyBudget?: number;
  /** Construct paths, by full secret name. */
  readonly secretNames: Map<string, string>;
  /** Reader principals by the full name of the secret they may read. */
  readonly readers: Map<string, readonly string[]>;
  /** The permission Secrets Manager needs before a rotation can be turned on. */
  readonly invokePermission: LambdaPermission;
  /** Runs the teardown on destroy; every secret depends on it so it is destroyed first. */
  readonly teardown: LambdaInvocation;
  /** Where the service's keys declare the existing API keys they adopt. */
  readonly adoption: AdoptionTarget;
}

const wirings = new WeakMap<object, ServiceWiring>();
/** The wired services of each app (construct tree root), in the order they were made. */
const servicesByRoot = new WeakMap<IConstruct, IConstruct[]>();

/** Records the wiring of a service; called once, by its constructor. */
export function wireService(service: IConstruct, wiring: ServiceWiring): void {
  wirings.set(service, wiring);
  const root = service.node.root;
  const services = servicesByRoot.get(root) ?? [];
  servicesByRoot.set(root, [...services, service]);
}

/** The wiring of a service. */
export function wiringOf(service: object): ServiceWiring {
  const wiring = wirings.get(service);
  if (!wiring) throw new Error('keyplane: a rotation service was used before it was wired');
  return wiring;
}

/**
 * Claims a consumer name (unique per service) and its secret name (unique per service), and
 * adds its readers.
 */
export function registerConsumer(
  service: object,
  serviceName: string,
  record: ConsumerRecord,
  readers: { readonly secretName: string; readonly principals: readonly string[] }
): void {
  const wiring = wiringOf(service);
  const other = wiring.consumers.get(record.consumer);
  if (other) {
    throw conflict(
      record.path,
      `consumer ${JSON.stringify(record.consumer)} is already declared by ${other.path} in rotation service ${serviceName}; give each consumer its own name`
    );
  }
  const secretOwner = record.secretName && wiring.secretNames.get(record.secretName);
  if (secretOwner) {
    throw conflict(
      record.path,
      `secretName makes the secret name ${JSON.stringify(record.secretName)}, already used by ${secretOwner}; secret names are unique per region, so set a different secretName`
    );
  }
  wiring.consumers.set(record.consumer, record);
  if (record.secretName) wiring.secretNames.set(record.secretName, record.path);
  if (readers.principals.length > 0) {
    wiring.readers.set(readers.secretName, [...new Set(readers.principals)].sort());
  }
}

/**
 * The wired rotation services in the app of `scope`, in the order they were made: a lookup,
 * where walking the whole tree cost each service a visit of every construct of every stack.
 */
export function wiredServices(scope: IConstruct): readonly IConstruct[] {
  return servicesByRoot.get(scope.node.root) ?? [];
}
