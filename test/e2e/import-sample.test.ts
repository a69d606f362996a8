/**
 * The README's import sample, built from the packed package as another team would, deployed
 * to the local AWS with `cdktf deploy`, rotated, and destroyed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paginateGetApiKeys } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../contract/tags';
import { buildImportSample } from '../support/import-sample';
import { apiGateway, invariantViolations, rotate, viewKey, viewSecret } from './support/aws';
import { cdktf } from './support/deploy';

jest.setTimeout(600_000);

const STACK = 'orders-keys';
const SERVICE = `keyplane-${STACK}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-e2e-sample-'));
const secretId = (consumer: string) => `keyplane/${STACK}/${consumer}`;

async function serviceKeyCount(): Promise<number> {
  let count = 0;
  for await (const page of paginateGetApiKeys({ client: apiGateway, pageSize: 500 }, {})) {
    count += (page.items ?? []).filter((k) => k.tags?.[KeyTag.SERVICE] === SERVICE).length;
  }
  return count;
}

describe('the README import sample on the local AWS', () => {
  const outdir = path.join(work, 'cdktf.out');

  beforeAll(() => {
    const entry = buildImportSample(work);
    fs.writeFileSync(
      path.join(work, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: `node ${path.relative(work, entry)}` })
    );
    cdktf('deploy', [STACK], { cwd: work, outdir });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('both consumers got their first key, in their plans', async () => {
    for (const consumer of ['initrode', 'umbrella'])
      expect(await invariantViolations(secretId(consumer))).toEqual([]);
  });

  test('a rotation keeps the outgoing key working and names a new one', async () => {
    const before = await viewSecret(secretId('initrode'));
    await rotate(secretId('initrode'));
    const after = await viewSecret(secretId('initrode'));
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect((await viewKey(before.currentKeyId!))?.enabled).toBe(true);
    expect(await invariantViolations(secretId('initrode'))).toEqual([]);
  });

  test('cdktf destroy leaves no key of the stack behind', async () => {
    expect(await serviceKeyCount()).toBe(3);
    cdktf('destroy', [STACK], { cwd: work, outdir });
    expect(await serviceKeyCount()).toBe(0);
  });
});
