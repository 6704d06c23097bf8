// The secret's side of a rotation: its metadata, its versions by stage, and the database secret
// value they hold. Every read names the version stage (and the version, when there is one), never
// "whatever is default": Secrets Manager's default is AWSCURRENT, but emulators get it wrong and a
// stage-less read during a rotation is ambiguous to a reader of the code anyway.
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { RotationError } from './log.mjs';

export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';
export const PREVIOUS = 'AWSPREVIOUS';

// The engines this function can rotate: MySQL-protocol databases. Aurora MySQL secrets written by
// the RDS console say "mysql"; "aurora-mysql", "aurora" and "mariadb" are accepted too.
const MYSQL_ENGINES = new Set(['mysql', 'aurora-mysql', 'aurora', 'mariadb']);

export const DEFAULT_PORT = 3306;

// Parses and checks one version's value: {engine, host, port, username, password, dbname,
// dbClusterIdentifier}. Unknown fields are kept, so they survive into the next version.
// Error messages name the stage and the field, never the value: JSON.parse's own messages quote
// the text they failed on, so they are not passed on.
//
// An alternating-users value (one with `masterarn`) may await its first rotation: the provider
// creates it without `password` (no such database user exists yet) and with an empty `host` (the
// cluster may not exist yet). Only a caller that expects such a value (`awaitingFirstRotation`)
// accepts one.
export function parseDatabaseSecret(secretString, stage, { awaitingFirstRotation = false } = {}) {
  let value;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new RotationError('InvalidSecretValue', `the ${stage} secret value is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RotationError('InvalidSecretValue', `the ${stage} secret value is not a JSON object`);
  }
  if (value.masterarn !== undefined && !isSecretArn(value.masterarn)) {
    throw new RotationError(
      'InvalidSecretValue',
      `the ${stage} secret value's "masterarn" is not a Secrets Manager secret ARN`,
    );
  }
  const firstRotation = awaitingFirstRotation && awaitsFirstRotation(value);
  for (const field of firstRotation ? ['username'] : ['host', 'username', 'password']) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw new RotationError(
        'InvalidSecretValue',
        `the ${stage} secret value has no "${field}" string`,
      );
    }
  }
  if (value.engine !== undefined && !MYSQL_ENGINES.has(value.engine)) {
    throw new RotationError(
      'InvalidSecretValue',
      `the ${stage} secret value names engine "${String(value.engine).slice(0, 40)}"; ` +
        `this function rotates ${[...MYSQL_ENGINES].join(', ')}`,
    );
  }
  if (value.port !== undefined) {
    const port = Number(value.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RotationError('InvalidSecretValue', `the ${stage} secret value has an invalid port`);
    }
  }
  return value;
}

// The strategy is the value's: an application secret names the master secret that manages its
// users (`masterarn`, as AWS's multi-user rotation functions expect); any other value's user
// changes its own password.
export const SINGLE_USER = 'single_user';
export const ALTERNATING_USERS = 'alternating_users';

export function strategyOf(value) {
  return value.masterarn === undefined ? SINGLE_USER : ALTERNATING_USERS;
}

// An application secret as the provider creates it: no password, because no database user has one
// until the first rotation creates it.
export function awaitsFirstRotation(value) {
  return strategyOf(value) === ALTERNATING_USERS && value.password === undefined;
}

function isSecretArn(text) {
  return typeof text === 'string' && /^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:.+$/.test(text);
}

export function portOf(secret) {
  return secret.port === undefined ? DEFAULT_PORT : Number(secret.port);
}

export class SecretVersions {
  #client;
  #redactor;

  constructor(client, secretId, redactor) {
    this.#client = client;
    this.#redactor = redactor;
    this.secretId = secretId;
  }

  // The versions of another secret (an application secret's master), read through the same
  // client and redactor, so its values are kept out of the log too.
  of(secretId) {
    return new SecretVersions(this.#client, secretId, this.#redactor);
  }

  describe() {
    return this.#client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
  }

  // Reads the value labelled `stage` (of version `versionId`, when given). Returns null when that
  // version or label has no value and `optional` is set; Secrets Manager answers
  // ResourceNotFoundException both for a missing label and for a version created without value.
  async read(stage, { versionId, optional = false, awaitingFirstRotation = false } = {}) {
    let response;
    try {
      response = await this.#client.send(
        new GetSecretValueCommand({
          SecretId: this.secretId,
          VersionStage: stage,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
    } catch (err) {
      if (err?.name === 'ResourceNotFoundException' && optional) return null;
      if (err?.name === 'ResourceNotFoundException') {
        throw new RotationError('SecretVersionMissing', `the secret has no ${stage} value`);
      }
      throw err;
    }
    if (typeof response.SecretString !== 'string') {
      throw new RotationError('InvalidSecretValue', `the ${stage} secret value is not a string`);
    }
    this.#redactor.add(response.SecretString);
    const secret = parseDatabaseSecret(response.SecretString, stage, { awaitingFirstRotation });
    this.#redactor.add(secret.password);
    return secret;
  }

  async randomPassword({ excludeCharacters, passwordLength }) {
    const response = await this.#client.send(
      new GetRandomPasswordCommand({
        PasswordLength: passwordLength,
        RequireEachIncludedType: true,
        ...(excludeCharacters ? { ExcludeCharacters: excludeCharacters } : {}),
      }),
    );
    this.#redactor.add(response.RandomPassword);
    return response.RandomPassword;
  }

  // Stores `secret` as the token's AWSPENDING version. The token doubles as the idempotency key,
  // so a retried call cannot create a second version.
  putPending(token, secret, rotationToken) {
    const secretString = JSON.stringify(secret);
    this.#redactor.add(secretString);
    return this.#client.send(
      new PutSecretValueCommand({
        SecretId: this.secretId,
        ClientRequestToken: token,
        SecretString: secretString,
        VersionStages: [PENDING],
        // Secrets Manager passes RotationToken in the event since 2024; older runtimes' SDKs drop
        // the member they do not know.
        ...(rotationToken ? { RotationToken: rotationToken } : {}),
      }),
    );
  }

  moveCurrent(toVersionId, fromVersionId) {
    return this.#client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: this.secretId,
        VersionStage: CURRENT,
        MoveToVersionId: toVersionId,
        ...(fromVersionId ? { RemoveFromVersionId: fromVersionId } : {}),
      }),
    );
  }
}

export function versionWithStage(metadata, stage) {
  const versions = metadata.VersionIdsToStages ?? {};
  return Object.keys(versions).find((id) => versions[id].includes(stage));
}
