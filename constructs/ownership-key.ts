import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { PROOF_MAC_ALGORITHM } from '../contract/tags';

/** Properties of an {@link OwnershipKey}. */
export interface OwnershipKeyProps {
  /** Name of the rotation service, for the key's description. */
  readonly serviceName: string;
  /** ARN of the rotation function's role: the one principal that may make and check MACs. */
  readonly functionRoleArn: string;
  /** AWS partition of the stack (aws, aws-cn, aws-us-gov); may be a token. */
  readonly partition: string;
  /** Account id of the stack, whose IAM administers the key; may be a token. */
  readonly account: string;
}

/** Key-administration actions for the account, without the MAC (use) actions. */
const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:GetKeyPolicy',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * The KMS HMAC key that proves the rotation function made an API key (docs/trust.md): its key
 * policy lets the account administer it through IAM but lets only the function's role call
 * GenerateMac and VerifyMac, so no one else in the account can produce a valid proof.
 */
export class OwnershipKey extends Construct {
  /** Id of the key, passed to the function as KEYPLANE_OWNERSHIP_KEY_ID. */
  readonly keyId: string;
  /** ARN of the key. */
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: OwnershipKeyProps) {
    super(scope, id);
    const key = new KmsKey(this, 'Key', {
      description: `keyplane ${props.serviceName}: proves which API keys the rotation function made`,
      customerMasterKeySpec: 'HMAC_256',
      keyUsage: 'GENERATE_VERIFY_MAC',
      deletionWindowInDays: 30,
      policy: JSON.stringify(ownershipKeyPolicy(props)),
    });
    this.keyId = key.keyId;
    this.keyArn = key.arn;
  }
}

/** The key policy: administration for the account, MACs for the function's role alone. */
export function ownershipKeyPolicy(props: OwnershipKeyProps) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersKeyWithoutUsingIt',
        Effect: 'Allow',
        Principal: { AWS: `arn:${props.partition}:iam::${props.account}:root` },
        Action: ADMIN_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'RotationFunctionProvesKeyOwnership',
        Effect: 'Allow',
        Principal: { AWS: props.functionRoleArn },
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:MacAlgorithm': PROOF_MAC_ALGORITHM } },
      },
    ],
  };
}
