/**
 * Adoption of existing API keys, on the Terraform side: a consumer's `adoptKeyId` goes into the
 * rotation function's environment (LambdaEnv.ADOPTIONS, keyed by secret name), which only the
 * deployer writes, and the function's role may tag exactly those keys with keyplane's tags.
 * Nothing about a key's value is in Terraform: the function reads it (lambdas/rotation/
 * adoption.ts). Internal to the constructs: not exported from the package.
 */
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Lazy, Token } from 'cdktf';
import type { Construct } from 'constructs';
import {
  API_KEY_ID_PATTERN,
  API_KEY_ID_RULE,
  encodeAdoptions,
  MAX_ADOPTIONS_BYTES,
} from '../contract/adoptions';
import { LambdaEnv } from '../contract/events';
import { KeyTag } from '../contract/tags';
import { conflict, invalidValue } from './errors';
import { requirePattern } from './validation';

/** What a rotation service hands to its adoptions. */
export interface AdoptionTarget {
  /** The service construct: the adoption policy is made in its scope. */
  readonly scope: Construct;
  readonly function: LambdaFunction;
  /** Id of the function's role. */
  readonly roleId: string;
  readonly partition: string;
  readonly region: string;
}

interface ServiceAdoptions {
  /** Key id by secret name. */
  readonly keys: Map<string, string>;
  /** Construct path by key id. */
  readonly claimants: Map<string, string>;
  readonly policy: IamRolePolicy;
}

const adoptions = new WeakMap<AdoptionTarget, ServiceAdoptions>();

/**
 * Declares that the first rotation of the secret `secretName` adopts `keyId`. Returns the policy
 * that lets the function tag the key, which the secret's rotation must wait for.
 */
export function declareAdoption(
  target: AdoptionTarget,
  path: string,
  secretName: string,
  keyId: string
): IamRolePolicy {
  if (Token.isUnresolved(keyId)) {
    throw invalidValue(path, 'adoptKeyId', keyId, 'be known at synth (not a token)');
  }
  requirePattern(path, 'adoptKeyId', keyId, API_KEY_ID_PATTERN, API_KEY_ID_RULE);
  if (Token.isUnresolved(secretName)) {
    throw invalidValue(
      path,
      'adoptKeyId',
      keyId,
      'belong to a key whose secret name is known at synth (secretPrefix and secretName not tokens)'
    );
  }
  const service = adoptionsOf(target);
  const other = service.claimants.get(keyId);
  if (other !== undefined) {
    throw conflict(
      path,
      `adoptKeyId ${JSON.stringify(keyId)} is already adopted by ${other}; a key is adopted by one consumer`
    );
  }
  const keys = new Map(service.keys).set(secretName, keyId);
  const bytes = Buffer.byteLength(encodeAdoptions(keys));
  if (bytes > MAX_ADOPTIONS_BYTES) {
    throw conflict(
      path,
      `adoptKeyId ${JSON.stringify(keyId)} would make the adoptions of this rotation service ${bytes} bytes, over the ${MAX_ADOPTIONS_BYTES} the function's environment has room for; adopt in batches: deploy, then remove adoptKeyId from consumers whose first rotation is done`
    );
  }
  service.keys.set(secretName, keyId);
  service.claimants.set(keyId, path);
  return service.policy;
}

function adoptionsOf(target: AdoptionTarget): ServiceAdoptions {
  let service = adoptions.get(target);
  if (service !== undefined) return service;
  const keys = new Map<string, string>();
  target.function.addOverride(
    `environment.variables.${LambdaEnv.ADOPTIONS}`,
    Lazy.stringValue({ produce: () => encodeAdoptions(keys) })
  );
  const policy = new IamRolePolicy(target.scope, 'AdoptionPolicy', {
    name: 'adopt-api-keys',
    role: target.roleId,
    policy: Lazy.stringValue({
      produce: () => JSON.stringify(adoptionPolicy(target, [...keys.values()].sort())),
    }),
  });
  service = { keys, claimants: new Map(), policy };
  adoptions.set(target, service);
  return service;
}

/**
 * Tagging of the declared keys only, with keyplane's tags: the origin tags and the proof make a
 * key keyplane's, after which the role's service-tag conditions cover it like any other.
 */
function adoptionPolicy(target: AdoptionTarget, keyIds: readonly string[]): object {
  const { partition, region } = target;
  // The Tags resource names the tagged resource's ARN, URL-encoded.
  const tagsOf = (keyId: string) =>
    `arn:${partition}:apigateway:${region}::/tags/arn%3A${partition}%3Aapigateway%3A${region}%3A%3A%2Fapikeys%2F${keyId}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TagTheDeclaredKeysToAdopt',
        Effect: 'Allow',
        Action: ['apigateway:PUT'],
        Resource: keyIds.map(tagsOf),
        Condition: {
          'ForAllValues:StringEquals': {
            'aws:TagKeys': [
              KeyTag.SERVICE,
              KeyTag.SECRET_ARN,
              KeyTag.SECRET_VERSION,
              KeyTag.PROOF,
              KeyTag.ADOPTED_AT,
            ],
          },
          Null: { 'aws:TagKeys': 'false' },
        },
      },
    ],
  };
}
