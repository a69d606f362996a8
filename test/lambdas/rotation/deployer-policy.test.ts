import * as fs from 'fs';
import { POLICY_DOCUMENT_FORMAT } from '../../../contract';
import { loadDeployerPolicies } from '../../../lambdas/rotation/deployer-policy';
import { ConfigurationError } from '../../../lambdas/rotation/errors';
import { CHECKOUT_POLICY, PREFIX, SERVICE } from './support/fixtures';
import { writePolicyFile } from './support/policy-file';

/** A document file with `consumers` as written, and the values variable. */
function load(consumers: unknown[], values: unknown = [], service = SERVICE) {
  const file = writePolicyFile(SERVICE, []);
  fs.writeFileSync(file, JSON.stringify({ format: POLICY_DOCUMENT_FORMAT, service, consumers }));
  return loadDeployerPolicies(
    { KEYPLANE_POLICY_FILE: file, KEYPLANE_POLICY_VALUES: JSON.stringify(values) },
    SERVICE
  );
}

const entry = {
  secretName: `${PREFIX}checkout`,
  consumer: 'checkout',
  usagePlanIds: [{ value: 0 }, 'planbulk'],
  gracePeriodSeconds: 3600,
  keyPrefix: 'ordK',
};

describe('loadDeployerPolicies', () => {
  test('reads each consumer by secret name, values looked up by index', () => {
    const policies = load([entry], ['plangold']);
    expect([...policies]).toEqual([[`${PREFIX}checkout`, CHECKOUT_POLICY]]);
  });

  test('reads the document beside the code when KEYPLANE_POLICY_FILE is unset', () => {
    expect(() => loadDeployerPolicies({}, SERVICE)).toThrow(
      /document \S+\/lambdas\/rotation\/keyplane-policy\.json cannot be read \(ENOENT\)/
    );
  });

  test.each([
    [
      'a document of another service',
      () => load([entry], ['plangold'], 'payments'),
      /document.service must be orders-api/,
    ],
    [
      'a value index out of range',
      () => load([entry], []),
      /consumers\[0\].usagePlanIds\[0\] must be a string or \{"value": i\}/,
    ],
    [
      'values that are not an array of strings',
      () => load([entry], { 0: 'x' }),
      /KEYPLANE_POLICY_VALUES must be a JSON array of strings/,
    ],
    [
      'a plain-http health check to another host',
      () => load([{ ...entry, healthCheckUrl: 'http://evil.example/x' }], ['plangold']),
      /consumers\[0\] \(keyplane:health-check-url\) must be an https URL/,
    ],
    [
      'a plan id that is not one',
      () => load([{ ...entry, usagePlanIds: ['a/b'] }]),
      /keyplane:usage-plans\) must be usage plan ids/,
    ],
    [
      'a secret declared twice',
      () => load([entry, entry], ['plangold']),
      /consumers\[1\].secretName must not repeat/,
    ],
    [
      'a fractional grace period',
      () => load([{ ...entry, gracePeriodSeconds: 1.5 }], ['plangold']),
      /gracePeriodSeconds must be a whole number/,
    ],
  ])('refuses %s, naming the field and the rule', (_, run, message) => {
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(message);
  });

  test('refuses a document that is not JSON of this format', () => {
    const file = writePolicyFile(SERVICE, []);
    fs.writeFileSync(file, '{"format":"keyplane-policy/v0"}');
    expect(() => loadDeployerPolicies({ KEYPLANE_POLICY_FILE: file }, SERVICE)).toThrow(
      /document must be JSON with format keyplane-policy\/v1/
    );
  });
});
