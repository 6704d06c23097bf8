// The function's configuration, read from its environment once per invocation.
import { RotationError } from './log.mjs';

// AWS's reference rotation functions exclude these by default: characters that need quoting in
// connection strings, shells or SQL literals.
export const DEFAULT_EXCLUDE_CHARACTERS = '/@"\'\\';
export const DEFAULT_PASSWORD_LENGTH = 32;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export function rotationSettings(env) {
  return {
    // Unset means the default; set to the empty string means "exclude nothing".
    excludeCharacters: env.EXCLUDE_CHARACTERS ?? DEFAULT_EXCLUDE_CHARACTERS,
    passwordLength: integerSetting(env, 'PASSWORD_LENGTH', DEFAULT_PASSWORD_LENGTH, 8, 4096),
    connectTimeoutMs: integerSetting(
      env,
      'DB_CONNECT_TIMEOUT_MS',
      DEFAULT_CONNECT_TIMEOUT_MS,
      100,
      60000,
    ),
    // The SDK itself honours AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL; this one is
    // ours, for runtimes whose bundled SDK predates those variables.
    secretsManagerEndpoint: nonEmpty(env.SECRETS_MANAGER_ENDPOINT),
  };
}

function integerSetting(env, name, fallback, min, max) {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RotationError(
      'InvalidConfiguration',
      `environment variable ${name} must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
