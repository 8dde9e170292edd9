// Redaction: one layer that hides secrets in everything drctl writes (terminal text, --json,
// event logs, run records, webhook bodies, state and plan files). It knows the values it is
// taught (sensitive configuration values, credentials from the environment, tokens) and finds
// URL credentials by pattern; a hidden value reads "(sensitive value)", as in Terraform.
// A leaf: it imports nothing, so every floor that writes output may use it.
export { newRedactor, MIN_SECRET_LENGTH, type Redactor } from './redactor.js';
export { hasUrlCredentials, redactUrlCredentials, urlCredentials, SENSITIVE_VALUE } from './url.js';
export { environmentSecrets, isSecretVariable, SECRET_VARIABLES } from './environment.js';
