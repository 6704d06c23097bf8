// Scenario building blocks for the rotation tests and the benchmark: database accounts, secrets
// shaped as the provider writes them, and "Secrets Manager" driving a rotation step by step.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomBytes, randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';

export const STEP_ORDER = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
export const FAKE_LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:vault-rotation-test';

export function secretsManagerClient(endpoint) {
  return new SecretsManagerClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

// A password no log line could contain by accident.
export function distinctivePassword() {
  return `Tp-${randomBytes(18).toString('base64url')}`;
}

export function uniqueName(prefix) {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function adminConnection(db) {
  return mysql.createConnection({ socketPath: db.socket, user: 'root' });
}

// Creates an account like the cluster's master user, with its own database.
export async function createDatabaseAccount(admin, { username, password, dbname }) {
  await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [username, '%', password]);
  await admin.query(`CREATE DATABASE \`${dbname}\``);
  await admin.query(`GRANT ALL ON \`${dbname}\`.* TO ?@?`, [username, '%']);
}

// Creates an account like an Aurora cluster's master user: it may create users and grant what it
// has. The database is created empty, as the cluster's `database_name` is.
export async function createMasterAccount(admin, { username, password, dbname }) {
  await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [username, '%', password]);
  await admin.query(`CREATE DATABASE \`${dbname}\``);
  await admin.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [username, '%']);
}

// An application secret as the provider creates it for `alternating_users`: no password and no
// host yet (the first rotation creates the user and copies the host from the master secret).
export function applicationSecretValue(db, { username, dbname, masterArn }) {
  return {
    engine: 'mysql',
    host: '',
    port: db.port,
    username,
    dbname,
    dbClusterIdentifier: 'aurora-cluster-test',
    masterarn: masterArn,
  };
}

export async function canLogIn(db, { username, password, dbname }) {
  try {
    const connection = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: username,
      password,
      database: dbname,
      connectTimeout: 3000,
    });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

export function secretValue(db, { username, password, dbname, host, port }) {
  return {
    engine: 'mysql',
    host: host ?? db.host,
    port: port ?? db.port,
    username,
    password,
    dbname,
    dbClusterIdentifier: 'aurora-cluster-test',
  };
}

export async function createSecret(sm, name, value) {
  const created = await sm.send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
  );
  return { arn: created.ARN, firstVersion: created.VersionId };
}

// Starts a rotation the way the provider (or the schedule) does; the emulator, corrected in
// testbed.py, creates the token's version empty and labelled AWSPENDING, as AWS does.
export async function startRotation(sm, arn) {
  const token = randomUUID();
  await sm.send(
    new RotateSecretCommand({
      SecretId: arn,
      ClientRequestToken: token,
      RotationLambdaARN: FAKE_LAMBDA_ARN,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: true,
    }),
  );
  return token;
}

export function stepEvent(arn, token, step) {
  return { SecretId: arn, ClientRequestToken: token, Step: step };
}

// Plays Secrets Manager: invokes each step in order, as the service does.
export async function runSteps(handler, arn, token, steps = STEP_ORDER) {
  for (const step of steps) {
    await handler(stepEvent(arn, token, step), { awsRequestId: randomUUID() });
  }
}

export async function stagesByVersion(sm, arn) {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
  return described.VersionIdsToStages ?? {};
}

export function versionWith(stages, stage) {
  return Object.keys(stages).find((id) => stages[id].includes(stage));
}

export async function readStage(sm, arn, stage, versionId) {
  const response = await sm.send(
    new GetSecretValueCommand({
      SecretId: arn,
      VersionStage: stage,
      ...(versionId ? { VersionId: versionId } : {}),
    }),
  );
  return { versionId: response.VersionId, value: JSON.parse(response.SecretString) };
}

export async function putVersion(sm, arn, value, stages, token = randomUUID()) {
  await sm.send(
    new PutSecretValueCommand({
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: JSON.stringify(value),
      VersionStages: stages,
    }),
  );
  return token;
}

// Every password any version of the secret holds (for the "logs hold no password" check).
export async function passwordsIn(sm, arn) {
  const stages = await stagesByVersion(sm, arn);
  const passwords = [];
  for (const versionId of Object.keys(stages)) {
    try {
      const response = await sm.send(
        new GetSecretValueCommand({ SecretId: arn, VersionId: versionId }),
      );
      const { password } = JSON.parse(response.SecretString);
      if (password !== undefined) passwords.push(password);
    } catch (err) {
      if (err.name !== 'ResourceNotFoundException') throw err;
    }
  }
  return passwords;
}
