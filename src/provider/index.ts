// Providers: the interface the engine uses to change the cloud, and its PowerVS
// implementation over HTTP (which also drives the embedded simulator).

export type * from './types.js';
export { ProviderError, isProviderError, codeForStatus, type ProviderErrorCode, type ProviderErrorInit } from './errors.js';
export {
  providerConfigFromEnv,
  providerConfigForSimulator,
  checkProviderConfig,
  endpointForRegion,
  endpointFor,
  parseWorkspaceCrn,
  regionOfWorkspace,
  REGIONAL_ENDPOINT,
  DEFAULT_IAM_ENDPOINT,
  DEFAULT_RETRY,
  DEFAULTS as PROVIDER_DEFAULTS,
  type ProviderConfig,
  type RetryPolicy,
  type WorkspaceRef,
} from './config.js';
export { PowerVsProvider, type ProviderDeps } from './powervs/provider.js';
export { iamTokenSource, staticToken, workspaceCrn, IamError, type TokenSource } from './powervs/auth.js';
