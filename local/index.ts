/**
 * `keyplane/local`: the local AWS and the Terraform provider-mirror handling, for tests and
 * scripts of a project that uses keyplane (`npx keyplane local start|env|stop` wraps them).
 */
export {
  localAwsEnv,
  localAwsPaths,
  runningLocalAws,
  startLocalAws,
  stopLocalAws,
  type LocalAws,
  type LocalAwsPaths,
  type LocalAwsState,
  type StartOptions,
} from './local-aws';
export {
  cdktfMirrorFlags,
  findProviderMirror,
  SKIP_PROVIDER_LOCK,
  terraformCliConfigFile,
  terraformEnv,
  writeTerraformCliConfig,
} from './terraform-mirror';
