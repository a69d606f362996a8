/**
 * AWS quotas and name rules the constructs check at synth time, so a stack AWS would refuse
 * fails before `terraform apply`. Each names the AWS document it comes from.
 */

/**
 * API keys per account and region (API Gateway quotas, "API keys per account per Region",
 * 10,000, adjustable). Current, grace-period and retired-but-not-deleted keys all count.
 */
export const API_KEYS_PER_REGION = 10_000;
/** Usage plans per account and region (API Gateway quotas, 300, adjustable). */
export const USAGE_PLANS_PER_REGION = 300;
/** Usage plans one API key may belong to (API Gateway quotas, 10). */
export const USAGE_PLANS_PER_KEY = 10;
/** The share of a quota above which synth warns. */
export const QUOTA_WARNING_SHARE = 0.8;

/** The largest integer AWS APIs take for counts and limits (32-bit). */
export const MAX_INT32 = 2_147_483_647;

/** Secrets Manager's longest secret name. */
export const MAX_SECRET_NAME_LENGTH = 512;
/** Characters of a secret name (Secrets Manager CreateSecret). */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;

/** Tag keys starting with this prefix are reserved by AWS and refused on create. */
export const AWS_RESERVED_TAG_PREFIX = 'aws:';
/** Tag key and value lengths (Secrets Manager and API Gateway TagResource). */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** Tags one resource may have (Secrets Manager: 50). */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Characters of tag keys and values that Secrets Manager and API Gateway both accept. */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * The AWS regions (aws, aws-cn, aws-us-gov partitions) as of the AWS provider 5.100.0, so a
 * typo such as `eu-west-4` fails at synth instead of at apply.
 */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

/**
 * An IAM principal ARN a resource policy can name: an account root, a user, a role (paths
 * allowed), or an assumed-role session; 12-digit account. IAM refuses a policy naming anything
 * else (MalformedPolicyDocument).
 */
export const IAM_PRINCIPAL_ARN =
  /^arn:aws(-cn|-us-gov)?:(iam::\d{12}:(root|user\/[\w+=,.@/-]{1,512}|role\/[\w+=,.@/-]{1,512})|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/;

/** IAM role names: at most 64 characters, compared without case (IAM CreateRole). */
export const MAX_IAM_ROLE_NAME_LENGTH = 64;
