import { TerraformStack } from 'cdktf';
import { ManagedApiKey, ManagedApiKeyProps, UsagePlan } from '../../constructs';
import { newStack, resourcesOf, synthJson } from '../support/stack';

function keys(...adoptions: (Partial<ManagedApiKeyProps> & { consumer: string })[]) {
  const stack = newStack();
  const gold = new UsagePlan(stack, 'Gold', {
    name: 'gold',
    apiStages: [{ api: 'a', stage: 'v1' }],
  });
  for (const props of adoptions) {
    new ManagedApiKey(stack, props.consumer, { usagePlans: [gold], ...props });
  }
  return stack;
}

function functionEnv(stack: TerraformStack): Record<string, string> {
  const [fn] = resourcesOf(synthJson(stack), 'aws_lambda_function');
  return (fn.environment as { variables: Record<string, string> }).variables;
}

describe('ManagedApiKey adoptKeyId', () => {
  test("names the key to adopt in the function's environment, by secret name", () => {
    const stack = keys({ consumer: 'acme', adoptKeyId: 'a1b2c3d4e5' }, { consumer: 'globex' });

    expect(JSON.parse(functionEnv(stack).KEYPLANE_ADOPTIONS)).toEqual({
      'keyplane/test/acme': 'a1b2c3d4e5',
    });
  });

  test("lets the function tag the declared keys only, with keyplane's tags only", () => {
    const json = synthJson(
      keys({ consumer: 'acme', adoptKeyId: 'zz9' }, { consumer: 'globex', adoptKeyId: 'aa1' })
    );

    const policies = resourcesOf(json, 'aws_iam_role_policy');
    const adoption = policies.find((p) => p.name === 'adopt-api-keys')!;
    const statement = JSON.parse(adoption.policy as string).Statement[0];
    expect(statement.Action).toEqual(['apigateway:PUT']);
    expect(statement.Resource).toHaveLength(2);
    expect(statement.Resource[0]).toMatch(/::\/tags\/arn%3A.*%3A%3A%2Fapikeys%2Faa1$/);
    expect(statement.Resource[1]).toMatch(/%2Fapikeys%2Fzz9$/);
    expect(statement.Condition['ForAllValues:StringEquals']['aws:TagKeys']).toEqual([
      'keyplane:service',
      'keyplane:secret-arn',
      'keyplane:secret-version',
      'keyplane:proof',
      'keyplane:adopted-at',
    ]);
  });

  test('the adopting rotation waits for the grant; the others do not', () => {
    const json = synthJson(keys({ consumer: 'acme', adoptKeyId: 'k1' }, { consumer: 'globex' }));
    const rotations = Object.entries(json.resource.aws_secretsmanager_secret_rotation);
    const dependsOn = (name: string) =>
      rotations.find(([id]) => id.startsWith(name))![1].depends_on as string[];
    expect(dependsOn('acme')).toContain(
      'aws_iam_role_policy.KeyplaneRotation_AdoptionPolicy_7B411AB7'
    );
    expect(dependsOn('globex').some((d) => d.includes('AdoptionPolicy'))).toBe(false);
  });

  test('without an adoption, neither the variable nor the policy exists', () => {
    const stack = keys({ consumer: 'acme' });
    expect(functionEnv(stack).KEYPLANE_ADOPTIONS).toBeUndefined();
    expect(resourcesOf(synthJson(stack), 'aws_iam_role_policy').map((p) => p.name)).not.toContain(
      'adopt-api-keys'
    );
  });

  test('puts nothing about the key but its id into the Terraform', () => {
    const json = synthJson(keys({ consumer: 'acme', adoptKeyId: 'k1' }));
    expect(json.resource.aws_api_gateway_api_key).toBeUndefined();
    expect(json.data?.aws_api_gateway_api_key).toBeUndefined();
  });

  test('fails when the id is not an API key id', () => {
    expect(() => keys({ consumer: 'acme', adoptKeyId: 'not an id' })).toThrow(
      /test\/acme: adoptKeyId must be an API Gateway API key id: 1-64 letters and digits, got "not an id"/
    );
  });

  test('fails when two consumers adopt the same key', () => {
    expect(() =>
      keys({ consumer: 'acme', adoptKeyId: 'k1' }, { consumer: 'globex', adoptKeyId: 'k1' })
    ).toThrow(/test\/globex: adoptKeyId "k1" is already adopted by test\/acme/);
  });

  test("fails when the adoptions outgrow the function's environment", () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      consumer: `consumer-with-a-long-name-${i}`,
      adoptKeyId: `key${String(i).padStart(7, '0')}`,
    }));
    expect(() => keys(...many)).toThrow(
      /adoptKeyId "key00000\d\d" would make the adoptions of this rotation service \d+ bytes, over the 3072 .*adopt in batches/
    );
  });
});
