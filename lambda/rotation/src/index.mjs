// Secrets Manager rotation function for a MySQL-protocol database (Aurora MySQL 3 in this stack),
// single-user strategy: the account the secret describes changes its own password.
//
// Secrets Manager invokes it four times per rotation with {SecretId, ClientRequestToken, Step}:
// createSecret, setSecret, testSecret, finishSecret. Before any step, the event is checked against
// the secret the way AWS's reference functions do: rotation must be enabled, the token must be a
// version of this secret, a token already AWSCURRENT means there is nothing to do, and otherwise
// the token's version must carry AWSPENDING.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLogger, Redactor, RotationError } from './log.mjs';
import { CURRENT, PENDING, SecretVersions } from './secret.mjs';
import { rotationSettings } from './settings.mjs';
import { STEPS } from './steps.mjs';

// `secretsManager` and `writeLog` are seams for tests and benchmarks; in Lambda both default.
export function createHandler({ secretsManager, writeLog = writeToStdout, env = process.env } = {}) {
  let client = secretsManager;
  return async function handler(event, context) {
    const redactor = new Redactor();
    const log = createLogger({
      write: writeLog,
      redactor,
      fields: {
        step: stringOrUndefined(event?.Step),
        secretArn: stringOrUndefined(event?.SecretId),
        token: stringOrUndefined(event?.ClientRequestToken),
        requestId: stringOrUndefined(context?.awsRequestId),
      },
    });
    log.info('started', 'rotation step started');
    try {
      const { secretId, token, step, rotationToken } = parseEvent(event);
      const settings = rotationSettings(env);
      client ??= new SecretsManagerClient(
        settings.secretsManagerEndpoint ? { endpoint: settings.secretsManagerEndpoint } : {},
      );
      const versions = new SecretVersions(client, secretId, redactor);
      const metadata = await versions.describe();
      if (!tokenNeedsWork(metadata, token)) {
        log.info('skipped', 'the token is already AWSCURRENT; nothing to do');
        return;
      }
      const result = await STEPS[step]({ versions, token, settings, metadata, rotationToken });
      const { outcome, message, ...details } = result;
      log.info(outcome, message, details);
    } catch (err) {
      const failure = safeError(err, redactor);
      log.error('failed', failure.message, { errorCode: failure.code });
      throw failure;
    }
  };
}

export const handler = createHandler();

function parseEvent(event) {
  const secretId = stringOrUndefined(event?.SecretId);
  const token = stringOrUndefined(event?.ClientRequestToken);
  const step = stringOrUndefined(event?.Step);
  if (!secretId || !token || !step) {
    throw new RotationError(
      'InvalidEvent',
      'the event must carry SecretId, ClientRequestToken and Step strings',
    );
  }
  if (!Object.hasOwn(STEPS, step)) {
    throw new RotationError('InvalidEvent', `unknown step "${step.slice(0, 40)}"`);
  }
  return { secretId, token, step, rotationToken: stringOrUndefined(event?.RotationToken) };
}

// True when the step has work to do; false when the token is already AWSCURRENT. Throws when the
// event does not belong to a rotation of this secret.
function tokenNeedsWork(metadata, token) {
  if (metadata.RotationEnabled !== true) {
    throw new RotationError('RotationNotEnabled', 'rotation is not enabled on this secret');
  }
  const stages = metadata.VersionIdsToStages?.[token];
  if (!Array.isArray(stages)) {
    throw new RotationError('UnknownToken', 'the token is not a version of this secret');
  }
  if (stages.includes(CURRENT)) return false;
  if (!stages.includes(PENDING)) {
    throw new RotationError('TokenNotPending', 'the token\'s version is not labelled AWSPENDING');
  }
  return true;
}

// What leaves the function (the log line and the error Lambda reports) carries a fixed message,
// a stage name or an error code. Error responses from Secrets Manager keep their message (through
// the redactor), because "not authorized to perform secretsmanager:PutSecretValue" is what an
// operator needs; anything else (network, response parsing, bugs) is reduced to its name or code,
// because such messages quote whatever input they choked on.
function safeError(err, redactor) {
  if (err instanceof RotationError) return err;
  const code = String(err?.code ?? err?.name ?? 'Error');
  const fromService = typeof err?.$fault === 'string' && typeof err?.message === 'string';
  const detail = fromService ? `: ${redactor.redact(err.message).slice(0, 300)}` : '';
  return new RotationError(code, `${code}${detail}`);
}

function stringOrUndefined(value) {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function writeToStdout(line) {
  process.stdout.write(line);
}
