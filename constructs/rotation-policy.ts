/**
 * The rotation Lambda's IAM policy. Every statement is scoped to what the function calls, and
 * the policy names resources by pattern (secret-name prefix, API Gateway paths), never by
 * listing consumers: its size is the same for 1 or 1,000 consumers, far under the 10,240
 * characters an inline role policy may hold.
 */
import { PROOF_MAC_ALGORITHM } from '../contract/tags';

/** The ARNs and names the policy is scoped to; each may be a token. */
export interface RotationPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Every secret this service manages has a name starting with this prefix. */
  readonly secretPrefix: string;
  readonly kmsKeyArn: string;
  /** The HMAC key whose MACs prove which API keys the function made. */
  readonly ownershipKeyArn: string;
  readonly logGroupArn: string;
  readonly deadLetterQueueArn: string;
}

/** An IAM policy statement. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/** The rotation Lambda's policy document for the given scope. */
export function rotationPolicy(scope: RotationPolicyScope): PolicyDocument {
  const apigw = (path: string) => `arn:${scope.partition}:apigateway:${scope.region}::${path}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RotateThisServicesSecrets',
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: [
          `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${scope.secretPrefix}*`,
        ],
      },
      {
        // ListSecrets has no resource-level permissions; it returns names and tags, never
        // values. The sweep and teardown use it (with a tag filter) to find this service's
        // secrets in pages of 100 instead of one DescribeSecret per key.
        Sid: 'FindThisServicesSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:ListSecrets'],
        Resource: ['*'],
      },
      {
        Sid: 'EncryptSecretValues',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [scope.kmsKeyArn],
      },
      {
        Sid: 'ProveKeyOwnership',
        Effect: 'Allow',
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: [scope.ownershipKeyArn],
        Condition: { StringEquals: { 'kms:MacAlgorithm': PROOF_MAC_ALGORITHM } },
      },
      {
        Sid: 'ReadApiKeysPlansAndMembership',
        Effect: 'Allow',
        Action: ['apigateway:GET'],
        Resource: [
          apigw('/apikeys'),
          apigw('/apikeys/*'),
          apigw('/usageplans'),
          apigw('/usageplans/*/keys'),
        ],
      },
      {
        Sid: 'CreateApiKeysAndPlanMembership',
        Effect: 'Allow',
        Action: ['apigateway:POST'],
        Resource: [apigw('/apikeys'), apigw('/usageplans/*/keys')],
      },
      {
        Sid: 'UpdateApiKeys',
        Effect: 'Allow',
        Action: ['apigateway:PATCH'],
        Resource: [apigw('/apikeys/*')],
      },
      {
        Sid: 'DeleteApiKeysAndPlanMembership',
        Effect: 'Allow',
        Action: ['apigateway:DELETE'],
        Resource: [apigw('/apikeys/*'), apigw('/usageplans/*/keys/*')],
      },
      {
        Sid: 'TagApiKeys',
        Effect: 'Allow',
        Action: ['apigateway:PUT'],
        Resource: [apigw('/tags/*')],
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`${scope.logGroupArn}:*`],
      },
      {
        Sid: 'DeadLetterFailedInvocations',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [scope.deadLetterQueueArn],
      },
      {
        // Active tracing: Lambda sends the invocation's segments with the function's role.
        // X-Ray's write actions have no resource-level permissions.
        Sid: 'SendTraces',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: ['*'],
      },
    ],
  };
}
