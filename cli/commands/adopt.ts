/**
 * `keyplane adopt <key ids...> | --name-prefix <prefix>`: the reviewable mapping of existing API
 * keys to consumers and plans, for moving keys made elsewhere (Terraform's
 * aws_api_gateway_api_key, the console, CloudFormation) into keyplane without a consumer
 * noticing (docs/migration.md).
 *
 * Adoption is declared in Terraform, so "apply" writes the declaration, never a key: with
 * `--config <file> --environment <env> --apply` it adds one consumer per key (`adoptKeyId`) and
 * its plans (`importId`) to keyplane.config.json, idempotently; without `--config` it prints the
 * construct code to paste. The next `cdktf deploy` performs the adoption. No key value is read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { addAdoptionsToConfig } from '../adoption-config';
import { readAdoptionMapping, type AdoptionEntry, type KeySelection } from '../adoption-mapping';
import { usageError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatTable } from '../output';
import type { Session } from '../session';

export interface AdoptOptions {
  /** Adopt every key whose name starts with this; it is cut off the consumer names. */
  readonly namePrefix?: string;
  /** The platform app's config file to add the adoptions to. @default - print construct code */
  readonly config?: string;
  /** The environment of `config` that adopts the keys. */
  readonly environment?: string;
  /** Write the config; without it the additions are only listed. @default false */
  readonly apply?: boolean;
}

export async function adoptCommand(
  session: Session,
  keyIds: readonly string[],
  options: AdoptOptions
): Promise<ExitCodeValue> {
  const selection = selectionOf(keyIds, options);
  if ((options.config === undefined) !== (options.environment === undefined)) {
    throw usageError('--config and --environment go together');
  }
  if (options.apply && options.config === undefined) {
    throw usageError('--apply writes a config file: give --config and --environment');
  }
  const entries = await readAdoptionMapping(session, selection);
  const skipped = entries.filter((e) => e.problem !== undefined).length;
  if (options.config === undefined) {
    session.print({ mapping: entries }, () =>
      [mappingTable(entries), '', constructCode(entries)].join('\n')
    );
    return skipped > 0 ? ExitCode.FAILURE : ExitCode.OK;
  }

  const file = path.resolve(session.runtime.cwd, options.config);
  const before = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const result = addAdoptionsToConfig(before, file, options.environment!, entries);
  const written = options.apply === true && result.added.length > 0;
  if (written) fs.writeFileSync(file, `${JSON.stringify(result.config, null, 2)}\n`);
  session.print(
    { mapping: entries, added: result.added, unchanged: result.unchanged, written },
    () =>
      [
        mappingTable(entries),
        '',
        result.added.length === 0
          ? `${file} already declares these adoptions: nothing to change`
          : `${written ? 'added to' : 'would add to'} ${file}:\n  ${result.added.join('\n  ')}`,
        written || result.added.length === 0
          ? `next: cdktf deploy ${options.environment} (the first rotation of each consumer adopts its key)`
          : 'run again with --apply to write it',
      ].join('\n')
  );
  return skipped > 0 ? ExitCode.FAILURE : ExitCode.OK;
}

function selectionOf(keyIds: readonly string[], options: AdoptOptions): KeySelection {
  if (options.namePrefix !== undefined && keyIds.length > 0) {
    throw usageError('give key ids or --name-prefix, not both');
  }
  if (options.namePrefix !== undefined) return { namePrefix: options.namePrefix };
  if (keyIds.length === 0) throw usageError('give the key ids to adopt, or --name-prefix');
  return { keyIds };
}

function mappingTable(entries: readonly AdoptionEntry[]): string {
  return formatTable(
    ['KEY', 'NAME', 'CONSUMER', 'PLANS', 'NOTE'],
    entries.map((e) => [
      e.keyId,
      e.keyName,
      e.consumer,
      e.plans.map((p) => `${p.localName} (${p.id})`).join(', '),
      e.problem === undefined ? 'adopt' : `skipped: ${e.problem}`,
    ])
  );
}

/** The constructs that declare the adoptions, for stacks that use them directly. */
function constructCode(entries: readonly AdoptionEntry[]): string {
  const ready = entries.filter((e) => e.problem === undefined);
  const plans = new Map(ready.flatMap((e) => e.plans.map((p) => [p.id, p])));
  const variable = (name: string) =>
    name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase());
  const lines = [
    '// keyplane constructs that adopt these keys (review, then paste into your stack):',
  ];
  for (const plan of plans.values()) {
    const props = {
      name: plan.name,
      importId: plan.id,
      ...(plan.quota && { quota: plan.quota }),
      ...(plan.throttle && { throttle: plan.throttle }),
      apiStages: plan.apiStages.map((s) => ({
        api: s.restApiId,
        stage: s.stage,
        ...(s.methodThrottles && { methodThrottles: s.methodThrottles }),
      })),
    };
    lines.push(
      `const ${variable(`plan-${plan.localName}`)} = new UsagePlan(this, ${JSON.stringify(plan.localName)}, ${JSON.stringify(props)});`
    );
  }
  for (const e of ready) {
    const usagePlans = e.plans.map((p) => variable(`plan-${p.localName}`)).join(', ');
    lines.push(
      `new ManagedApiKey(this, ${JSON.stringify(e.consumer)}, { consumer: ${JSON.stringify(e.consumer)}, usagePlans: [${usagePlans}], adoptKeyId: ${JSON.stringify(e.keyId)} });`
    );
  }
  return lines.join('\n');
}
