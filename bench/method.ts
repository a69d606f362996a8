/** How the figures are taken: printed into bench/README.md under the tables. */
export const METHOD = `## How it is measured

- **Apps** (bench/apps/): both declare the same 10 usage plans (quota and throttle, no API
  stages), a local backend and an AWS provider that cannot reach AWS (dummy keys, skipped
  checks, endpoints on a closed local port). *keyplane*: one \`RotationService\` and one
  \`ManagedApiKey\` per consumer, each in one plan. *baseline*: per consumer
  \`aws_api_gateway_api_key\`, \`aws_api_gateway_usage_plan_key\`, \`aws_secretsmanager_secret\`,
  \`aws_secretsmanager_secret_version\` (holding the key value) and
  \`aws_secretsmanager_secret_rotation\`, plus one rotation Lambda (role, function, permission)
  packaging the same bundle.
- **Synth**: each synth is a fresh \`node\` process running the app bundled by esbuild ahead of
  time (bench/build.ts; node_modules load from node_modules, so no run pays for TypeScript
  compilation). Wall time is the whole process measured by the parent (what \`cdktf synth\`
  costs the user beyond cdktf-cli itself); peak memory is GNU time's "Maximum resident set
  size". Resources per consumer are (resources at 1,000 - resources at 10) / 990 in the
  synthesized JSON; the fixed part is what is left.
- **Plan**: \`terraform plan -refresh=false -lock=false -input=false\` on the synthesized
  folder after \`terraform init\` from the local provider mirror (not timed). An override file
  points the provider's endpoints at a private moto started for the run: keyplane reads
  \`aws_caller_identity\`, which calls STS even without refresh (against a closed port the
  provider retries for over a minute, then fails). The baseline makes no calls. Each plan
  includes starting the 5.100.0 provider and loading its schema twice, several seconds that
  both apps pay alike; the per-consumer row takes that out.
- **Lambda**: *keyplane* is dist/lambda-bundles/rotation as \`npm run build:lambda\` makes it
  (minified, tree-shaken). The *baseline* bundles the same lambdas/rotation/index.ts with
  esbuild, \`minify: false\`, \`treeShaking: false\` and \`mainFields: ['main']\`, so every SDK
  package comes in whole as its CommonJS build: what a project that "just bundles" SDK v3
  ships. Cold init is a fresh \`node\` process timing \`require()\` of the bundle plus the
  first invocation with an event the handler rejects before any AWS call (it reads the
  environment, creates the SDK clients and parses the event). Zips are made with \`zip\`
  (deflate, default level).
- Medians are of interleaved runs, alternating which app goes first. The machine is shared
  (see the load average above), so single figures move by 20-30 % between runs; the ratios
  are steadier than the absolute times.
- Fixed costs weigh most at 10 consumers: keyplane's stack has more fixed resources (KMS key,
  log group, queue, alarms, schedule) and three data sources, the baseline's fewer.`;
