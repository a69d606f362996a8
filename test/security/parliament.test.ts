/**
 * The security tier: parliament, an IAM policy linter that knows AWS's actions, resources and
 * condition keys, over every policy the example app writes: the rotation role's policy, the KMS
 * key policies (secret key and ownership key), the secrets' resource policies and the alarm
 * topic's policy. Zero findings; the false positives inherent to a policy type are suppressed
 * by scripts/parliament/suppressions.ts, by policy file name, with the AWS page that says why.
 *
 * The role's trust policy is not linted: parliament reads every document as an identity policy
 * and reports a trust policy, which has no Resource element by definition, as MALFORMED; its
 * one statement (lambda.amazonaws.com may sts:AssumeRole) is asserted exactly by the unit test.
 *
 * The example config gets readers on one consumer, so the secret resource policy and the KMS
 * reader statement are synthesized too, and an adopted key on another, so the role's adoption
 * policy is; and a plan in a further region for acme, so the role's API Gateway grants in that
 * region are. Terraform references are replaced by sample values of
 * the right shape (an ARN for `.arn`), so parliament checks the ARN patterns as well.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runParliament, type ParliamentFinding } from '../../scripts/parliament';
import { PARLIAMENT_SUPPRESSIONS, suppressionOf } from '../../scripts/parliament/suppressions';
import { terraformEnv } from '../../scripts/terraform-mirror';
import { filesUnder } from '../support/files';

jest.setTimeout(900_000); // the first run installs parliament into .keyplane/parliament-venv

const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-parliament-'));
const outdir = path.join(work, 'cdktf.out');
const policies = path.join(work, 'policies');

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
/** A sample ARN for each resource type whose `.arn` a policy references. */
const SAMPLE_ARNS: Record<string, string> = {
  aws_kms_key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  aws_iam_role: `arn:aws:iam::${ACCOUNT}:role/keyplane-local-rotation`,
  aws_sns_topic: `arn:aws:sns:${REGION}:${ACCOUNT}:keyplane-local-alarms`,
  aws_cloudwatch_log_group: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/keyplane-local-rotation`,
  aws_sqs_queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:keyplane-local-rotation-dlq`,
};

/** The policy with every Terraform reference replaced by a sample value; throws on any other. */
function resolved(policy: string, where: string): string {
  const text = policy
    .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, 'aws')
    .replace(/\$\{data\.aws_region\.[^.}]+\.name\}/g, REGION)
    .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, ACCOUNT)
    .replace(/\$\{(aws_[a-z_]+)\.[^.}]+\.arn\}/g, (ref: string, type: string) => {
      const arn = SAMPLE_ARNS[type];
      if (!arn) throw new Error(`${where}: no sample ARN for ${ref}; add one to SAMPLE_ARNS`);
      return arn;
    });
  if (text.includes('${')) throw new Error(`${where}: unresolved Terraform reference in ${text}`);
  return text;
}

/** Which attribute of which resource type holds a policy, and the file-name prefix it gets. */
const POLICY_ATTRIBUTES: { type: string; attribute: string; kind: string }[] = [
  { type: 'aws_iam_role_policy', attribute: 'policy', kind: 'role-policy' },
  { type: 'aws_kms_key', attribute: 'policy', kind: 'kms-key-policy' },
  { type: 'aws_secretsmanager_secret', attribute: 'policy', kind: 'secret-resource-policy' },
  { type: 'aws_sns_topic_policy', attribute: 'policy', kind: 'topic-policy' },
];

/** Writes each synthesized policy to policies/<kind>.<resource>.json; returns the files. */
function writePolicies(): string[] {
  fs.mkdirSync(policies);
  const written: string[] = [];
  for (const file of filesUnder(outdir).filter((f) => f.endsWith('.tf.json'))) {
    const synthesized = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      resource?: Record<string, Record<string, Record<string, unknown>>>;
    };
    for (const { type, attribute, kind } of POLICY_ATTRIBUTES)
      for (const [name, json] of Object.entries(synthesized.resource?.[type] ?? {})) {
        const policy = json[attribute];
        if (typeof policy !== 'string') continue;
        const target = path.join(policies, `${kind}.${name}.json`);
        fs.writeFileSync(target, resolved(policy, `${type}.${name}.${attribute}`));
        written.push(target);
      }
  }
  return written;
}

const describeFinding = (f: ParliamentFinding) =>
  `${f.issue} (${f.severity}) in ${path.basename(f.location.filepath ?? '?')}: ${JSON.stringify(f.detail)}`;

describe('parliament over every policy the example app writes', () => {
  let files: string[];
  let findings: ParliamentFinding[];

  beforeAll(async () => {
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'keyplane.config.json'), 'utf8'));
    example.environments.local.consumers.acme.readers = [
      `arn:aws:iam::${ACCOUNT}:role/acme-api-client`,
    ];
    // An adopting consumer, so the role's adoption policy (adopt-api-keys) is linted too.
    const [adopter] = Object.keys(example.environments.local.consumers).filter((c) => c !== 'acme');
    example.environments.local.consumers[adopter].adoptKeyId = 'a1b2c3d4e5';
    // A consumer in a further region, so the role's grants in that region are linted too.
    example.environments.local.usagePlans.goldeu = { region: 'eu-west-1' };
    example.environments.local.consumers.acme.plans.push('goldeu');
    const config = path.join(work, 'keyplane.config.json');
    fs.writeFileSync(config, JSON.stringify(example));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], {
      cwd: ROOT,
      env: { ...terraformEnv(), KEYPLANE_CONFIG: config },
      stdio: 'pipe',
    });
    files = writePolicies();
    findings = await runParliament(files);
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('lints the role (and its adoption policy), both key policies, the readable secret and the topic policy', () => {
    expect(files.map((f) => path.basename(f).split('.').slice(0, -2).join('.')).sort()).toEqual([
      'kms-key-policy',
      'kms-key-policy',
      'role-policy',
      'role-policy',
      'secret-resource-policy',
      'topic-policy',
    ]);
  });

  test('zero findings but the false positives of a policy type', () => {
    expect(findings.filter((f) => !suppressionOf(f)).map(describeFinding)).toEqual([]);
  });

  test('every suppression is still needed: it matches a finding', () => {
    const used = new Set(findings.map(suppressionOf));
    expect(PARLIAMENT_SUPPRESSIONS.filter((s) => !used.has(s)).map((s) => s.reason)).toEqual([]);
  });

  test('the linter bites: "*" in a role policy and ArnEquals on a string key are findings', async () => {
    const probe = path.join(policies, 'role-policy.probe.json');
    fs.writeFileSync(
      probe,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: SAMPLE_ARNS.aws_kms_key,
            Condition: {
              ArnEquals: {
                'kms:EncryptionContext:aws:logs:arn': SAMPLE_ARNS.aws_cloudwatch_log_group,
              },
            },
          },
        ],
      })
    );
    const probeFindings = (await runParliament([probe])).filter((f) => !suppressionOf(f));
    expect(probeFindings.map((f) => f.issue).sort()).toEqual(['MISMATCHED_TYPE', 'RESOURCE_STAR']);
  });
});
