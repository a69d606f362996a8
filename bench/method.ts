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
  synthesized JSON; the fixed part is what is left. Both apps deploy the same bundle:
  keyplane the zip \`npm run build:lambda\` makes once (an asset of type FILE, copied at synth),
  the baseline the folder as an ARCHIVE asset, which cdktf zips in a child process on every
  synth, as a hand-written app would. \`npx tsx bench/profile-synth.ts keyplane 1000\` prints
  where one synth spends its CPU.
- **Plan**: \`terraform plan -refresh=false -lock=false -input=false\` on the synthesized
  folder after \`terraform init\` from the local provider mirror (not timed). An override file
  points the provider's endpoints at a private moto started for the run: keyplane reads
  \`aws_caller_identity\`, which calls STS even without refresh (against a closed port the
  provider retries for over a minute, then fails). The baseline makes no calls. Each plan
  includes starting the 5.100.0 provider and loading its schema twice, several seconds that
  both apps pay alike; the per-consumer row takes that out, and the "no consumers" row shows
  it: the straight line through the two sizes, taken back to 0 consumers.
- **Why the plan of 100 consumers misses 0.7x**: at 100 consumers the fixed part (Terraform
  and the provider starting, schemas loaded, each app's fixed resources) is most of either
  plan and about the same for both, so even a keyplane that cost nothing per consumer would
  plan 100 consumers in about its fixed time, above 0.7x the baseline's total. Per consumer
  keyplane plans about twice as fast (3 simpler resources against 5). Looked at and not the
  cause: keyplane's three data sources (partition, region, caller identity: one STS call to
  the emulator), its IAM policies (JSON written at synth, no aws_iam_policy_document), its
  Lambda code hash (one filebase64sha256 of a 0.6 MB zip, as in the baseline) and its
  aws_lambda_invocation (planned like any resource; it runs only on apply).
- **Apply and destroy** (bench/apply.ts): \`terraform apply -auto-approve\` then \`terraform
  destroy -auto-approve\` of the 100-consumer output, on the same private moto, reset (and
  the state file removed) before each app's run, apps interleaved. The harness's RotateSecret
  runs the rotation function's steps before it returns, so each apply includes one rotation per
  consumer: for keyplane 4 runs of the function (its first key issued), for the baseline one
  run that refuses a secret that is not keyplane's. The function runs are read from the
  harness's Lambda log (count and summed duration; they overlap, Terraform working on 10
  things at once). keyplane's destroy includes its teardown, which deletes the issued keys
  paced under API Gateway's DeleteApiKey quota (5 a second). On AWS, RotateSecret returns
  before the rotation runs, so keyplane's apply would not wait for the 400 runs. A failed run
  is listed and retried once.
- **Lambda**: *keyplane* is dist/lambda-bundles/rotation as \`npm run build:lambda\` makes it
  (minified, tree-shaken). The *baseline* bundles the same lambdas/rotation/index.ts with
  esbuild, \`minify: false\`, \`treeShaking: false\` and \`mainFields: ['main']\`, so every SDK
  package comes in whole as its CommonJS build: what a project that "just bundles" SDK v3
  ships. Cold init is a fresh \`node\` process timing \`require()\` of the bundle plus the
  first invocation with an event the handler rejects before any AWS call (it reads the
  environment, creates the SDK clients and parses the event). Zips are made with \`zip\`
  (deflate, default level).
- **Rotation cost** (bench/rotation-cost.ts): a private moto (scripts/local-aws, whose Lambda
  Invoke and RotateSecret run the real zipped function with node). No Terraform: the bench
  makes what the function needs directly with the SDK (rotation-fixture.ts): 10 usage plans, a
  role, the function from dist/lambda-bundles/rotation with the construct's environment
  (\`KEYPLANE_SERVICE\`, \`KEYPLANE_SECRET_PREFIX\`), and per consumer a secret under the prefix
  with the keyplane tags (consumer, usage plans, service) and the bootstrap value of
  contract/secret-value.ts. No KMS key (the secrets use the default key; the function never
  calls KMS itself). Each consumer is rotated by RotateSecret: the first call sets the rotation
  function and issues the first key, the next nine rotate it; every rotation is checked
  (AWSCURRENT moved to the new version). Then 800 more consumers are written directly in the
  state a finished rotation leaves (secret, tagged key in its plan, AWSCURRENT holding the
  issued-key JSON; rotation not configured on these, which only the sweep's heal phase looks at),
  so one sweep (invoked with the sweep event, resumed while it returns a cursor) sees 1,000
  keys with nothing due: 200 from the rotated consumers (20 current, 180 outgoing still in the
  default 1-day grace period) and 800 steady ones, in 820 secrets. Its calls are the listing a
  healthy hourly sweep pays; retirements and deletions (mutating calls) are not measured here.
- **Counting** (scripts/local-aws/aws-proxy.ts): a Node HTTP proxy on 127.0.0.1 in front of moto. The
  function's \`AWS_ENDPOINT_URL_SECRETS_MANAGER\` and \`AWS_ENDPOINT_URL_API_GATEWAY\` point at
  it: the SDK's service-specific endpoint variables outrank the \`AWS_ENDPOINT_URL\` the
  launcher forces to moto. Every HTTP request is one call (a retry counts again, as AWS's quotas
  count it), named by \`X-Amz-Target\` (Secrets Manager) or method and path (API Gateway REST).
  The bench's own set-up and checks go to moto directly and are not counted; nor is the Lambda
  Invoke that Secrets Manager makes per step on AWS.
- **AWS quotas** (bench/rate-limits.ts): least time = calls covered by a quota / its rate, for
  each quota; the largest bounds the work. Bursts are left out. The function's own pacer keeps
  API Gateway calls under these rates within one invocation, so on AWS the bound is reached,
  not exceeded; other work in the account shares the same quotas.
- Medians are of interleaved runs, alternating which app goes first. The machine is shared
  (see the load average above), so single figures move by 20-30 % between runs; the ratios
  are steadier than the absolute times.
- Fixed costs weigh most at 10 consumers: keyplane's stack has more fixed resources (KMS key,
  log group, queue, alarms, schedule) and three data sources, the baseline's fewer.`;
