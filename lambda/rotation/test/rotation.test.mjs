// The rotation function against a real MariaDB and moto's Secrets Manager. The tests play the part
// of Secrets Manager: RotateSecret creates the token's empty AWSPENDING version (see testbed.py),
// then the handler is called for each step, as the service would invoke the Lambda function.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { CancelRotateSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { createHandler } from '../src/index.mjs';
import {
  adminConnection,
  canLogIn,
  createDatabaseAccount,
  createSecret,
  distinctivePassword,
  FAKE_LAMBDA_ARN,
  passwordsIn,
  putVersion,
  readStage,
  runSteps,
  secretsManagerClient,
  secretValue,
  stagesByVersion,
  startRotation,
  STEP_ORDER,
  stepEvent,
  uniqueName,
  versionWith,
} from './support/fixtures.mjs';
import { packageDir, startTestbed } from './support/testbed.mjs';

const TEST_TIMEOUT = { timeout: 60000 };

let testbed;
let sm;
let admin;
// Everything the function said: log lines, thrown errors, console output, child process output.
const captured = [];
// Every password these tests used or the function generated, checked against `captured` last.
const knownPasswords = new Set();
const secretArns = [];

const capture = (line) => captured.push(String(line));

function rotationHandler(env = {}) {
  const handler = createHandler({ secretsManager: sm, writeLog: capture, env });
  return async (event, context = { awsRequestId: randomUUID() }) => {
    try {
      return await handler(event, context);
    } catch (err) {
      capture(err?.stack);
      capture(JSON.stringify(err));
      throw err;
    }
  };
}

let invoke;

before(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    console[method] = (...args) => capture(args.map(String).join(' '));
  }
  testbed = await startTestbed();
  sm = secretsManagerClient(testbed.endpoint);
  admin = await adminConnection(testbed.db);
  invoke = rotationHandler();
});

after(async () => {
  await admin?.end().catch(() => {});
  sm?.destroy();
  await testbed?.stop();
});

// A database account and the secret describing it, as the provider leaves them before rotation.
async function rotatingAccount({ secretOverrides = {} } = {}) {
  const account = {
    username: uniqueName('app'),
    password: distinctivePassword(),
    dbname: uniqueName('db'),
  };
  knownPasswords.add(account.password);
  await createDatabaseAccount(admin, account);
  const { arn, firstVersion } = await createSecret(
    sm,
    uniqueName('secret'),
    secretValue(testbed.db, { ...account, ...secretOverrides }),
  );
  secretArns.push(arn);
  return { ...account, arn, firstVersion };
}

async function assertNothingPromoted(account, token) {
  const stages = await stagesByVersion(sm, account.arn);
  assert.equal(versionWith(stages, 'AWSCURRENT'), account.firstVersion);
  assert.deepEqual(stages[token], ['AWSPENDING']);
  assert.equal(await canLogIn(testbed.db, account), true, 'the original password still works');
}

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, 'RotationError');
    assert.equal(err.code, code, err.message);
    return true;
  });
}

// Connections still open on `server`, after giving closes in flight a moment to arrive.
async function openConnections(server) {
  const count = () => new Promise((r) => server.getConnections((_, n) => r(n)));
  for (let i = 0; i < 50 && (await count()) > 0; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return count();
}

function closedPort() {
  return new Promise((resolvePort) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

test('a full rotation changes the database password and moves AWSCURRENT to the new version', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);

  await runSteps(invoke, account.arn, token);

  const stages = await stagesByVersion(sm, account.arn);
  assert.ok(stages[token].includes('AWSCURRENT'));
  assert.deepEqual(stages[account.firstVersion], ['AWSPREVIOUS']);
  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  const previous = await readStage(sm, account.arn, 'AWSPREVIOUS');
  assert.equal(current.versionId, token);
  assert.equal(previous.versionId, account.firstVersion);
  assert.equal(previous.value.password, account.password);
  assert.notEqual(current.value.password, account.password);
  assert.equal(current.value.password.length, 32);
  assert.doesNotMatch(current.value.password, /[/@"'\\]/);
  assert.deepEqual(
    { ...current.value, password: null },
    { ...secretValue(testbed.db, account), password: null },
    'only the password changes',
  );
  assert.equal(await canLogIn(testbed.db, account), false, 'the old password no longer logs in');
  assert.equal(
    await canLogIn(testbed.db, { ...account, password: current.value.password }),
    true,
    'the new password logs in',
  );
});

test('a second rotation changes the password again and AWSPREVIOUS follows', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const first = await startRotation(sm, account.arn);
  await runSteps(invoke, account.arn, first);
  const second = await startRotation(sm, account.arn);
  await runSteps(invoke, account.arn, second);

  const stages = await stagesByVersion(sm, account.arn);
  assert.ok(stages[second].includes('AWSCURRENT'));
  assert.deepEqual(stages[first], ['AWSPREVIOUS']);
  assert.deepEqual(stages[account.firstVersion] ?? [], [], 'the first version lost its labels');
  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  const previous = await readStage(sm, account.arn, 'AWSPREVIOUS');
  assert.notEqual(current.value.password, previous.value.password);
  assert.equal(await canLogIn(testbed.db, { ...account, password: previous.value.password }), false);
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
});

test('running every step twice changes the password once and ends as a single run does', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);

  await invoke(stepEvent(account.arn, token, 'createSecret'));
  const pending = await readStage(sm, account.arn, 'AWSPENDING', token);
  await invoke(stepEvent(account.arn, token, 'createSecret'));
  const pendingAgain = await readStage(sm, account.arn, 'AWSPENDING', token);
  assert.equal(pendingAgain.value.password, pending.value.password, 'no second password');
  for (const step of STEP_ORDER.slice(1)) {
    await invoke(stepEvent(account.arn, token, step));
    await invoke(stepEvent(account.arn, token, step));
  }

  const stages = await stagesByVersion(sm, account.arn);
  assert.deepEqual(Object.keys(stages).sort(), [account.firstVersion, token].sort());
  assert.ok(stages[token].includes('AWSCURRENT'));
  assert.deepEqual(stages[account.firstVersion], ['AWSPREVIOUS']);
  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  assert.equal(current.value.password, pending.value.password);
  assert.equal(await canLogIn(testbed.db, { ...account, password: pending.value.password }), true);
  assert.equal(await canLogIn(testbed.db, account), false);
});

test('a rotation stopped after setSecret and rerun from createSecret converges on the pending password', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  await runSteps(invoke, account.arn, token, ['createSecret', 'setSecret']);
  const pending = await readStage(sm, account.arn, 'AWSPENDING', token);
  assert.equal(await canLogIn(testbed.db, { ...account, password: pending.value.password }), true);

  const lines = captured.length;
  await runSteps(invoke, account.arn, token);

  const setLog = captured
    .slice(lines)
    .map((line) => JSON.parse(line))
    .find((entry) => entry.step === 'setSecret' && entry.outcome !== 'started');
  assert.equal(setLog.outcome, 'skipped', 'setSecret found the password already set');
  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  assert.equal(current.versionId, token);
  assert.equal(current.value.password, pending.value.password);
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
});

test('a wrong AWSCURRENT password falls back to AWSPREVIOUS to set the new password', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const wrongPassword = distinctivePassword();
  knownPasswords.add(wrongPassword);
  const wrongVersion = await putVersion(
    sm,
    account.arn,
    secretValue(testbed.db, { ...account, password: wrongPassword }),
    ['AWSCURRENT'],
  );
  const before = await stagesByVersion(sm, account.arn);
  assert.deepEqual(before[account.firstVersion], ['AWSPREVIOUS']);
  const token = await startRotation(sm, account.arn);

  const lines = captured.length;
  await runSteps(invoke, account.arn, token);

  const setLog = captured
    .slice(lines)
    .map((line) => JSON.parse(line))
    .find((entry) => entry.step === 'setSecret' && entry.outcome === 'succeeded');
  assert.equal(setLog.loggedInWith, 'AWSPREVIOUS');
  const stages = await stagesByVersion(sm, account.arn);
  assert.ok(stages[token].includes('AWSCURRENT'));
  assert.deepEqual(stages[wrongVersion], ['AWSPREVIOUS']);
  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
  assert.equal(await canLogIn(testbed.db, account), false);
});

test('a database that refuses connections fails setSecret and testSecret and nothing is promoted', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount({ secretOverrides: { port: await closedPort() } });
  const token = await startRotation(sm, account.arn);
  await invoke(stepEvent(account.arn, token, 'createSecret'));

  await assert.rejects(invoke(stepEvent(account.arn, token, 'setSecret')), (err) => {
    assert.equal(err.code, 'DatabaseLoginFailed');
    assert.match(err.message, /AWSPENDING: ECONNREFUSED, AWSCURRENT: ECONNREFUSED/);
    return true;
  });
  await rejectsWith(invoke(stepEvent(account.arn, token, 'testSecret')), 'DatabaseLoginFailed');

  await assertNothingPromoted(account, token);
});

test('a database that accepts connections but never answers fails setSecret at the connect timeout', TEST_TIMEOUT, async (t) => {
  const silent = net.createServer(() => {});
  await new Promise((ready) => silent.listen(0, '127.0.0.1', ready));
  t.after(() => {
    silent.close();
  });
  const account = await rotatingAccount({ secretOverrides: { port: silent.address().port } });
  const token = await startRotation(sm, account.arn);
  const impatient = rotationHandler({ DB_CONNECT_TIMEOUT_MS: '300' });
  await impatient(stepEvent(account.arn, token, 'createSecret'));

  await assert.rejects(impatient(stepEvent(account.arn, token, 'setSecret')), (err) => {
    assert.equal(err.code, 'DatabaseLoginFailed');
    assert.match(err.message, /AWSPENDING: ETIMEDOUT/);
    return true;
  });
  assert.equal(await openConnections(silent), 0, 'every timed-out connection was closed');
  await assertNothingPromoted(account, token);
});

test('a password change the server refuses fails setSecret without echoing the password', TEST_TIMEOUT, async (t) => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  await invoke(stepEvent(account.arn, token, 'createSecret'));
  const pending = await readStage(sm, account.arn, 'AWSPENDING', token);
  await admin.query("INSTALL SONAME 'simple_password_check'");
  t.after(() => admin.query("UNINSTALL SONAME 'simple_password_check'"));
  await admin.query('SET GLOBAL simple_password_check_minimal_length = 100');

  const lines = captured.length;
  await assert.rejects(invoke(stepEvent(account.arn, token, 'setSecret')), (err) => {
    assert.equal(err.code, 'PasswordChangeFailed');
    assert.match(err.message, /ER_NOT_VALID_PASSWORD/);
    return true;
  });
  const output = captured.slice(lines).join('\n');
  assert.ok(output.includes('PasswordChangeFailed'));
  assert.ok(!output.includes(pending.value.password));
  assert.ok(!output.includes('SET PASSWORD'), 'the statement is not logged');
  await assertNothingPromoted(account, token);
});

test('a pending value naming another database account is refused by setSecret', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const other = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  const planted = distinctivePassword();
  knownPasswords.add(planted);
  await putVersion(
    sm,
    account.arn,
    secretValue(testbed.db, { ...other, password: planted }),
    ['AWSPENDING'],
    token,
  );

  await rejectsWith(invoke(stepEvent(account.arn, token, 'setSecret')), 'SecretMismatch');
  assert.equal(await canLogIn(testbed.db, other), true, 'the other account is untouched');
  await assertNothingPromoted(account, token);
});

test('an unknown token is rejected and the secret is left alone', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  await sm.send(
    new RotateSecretCommand({
      SecretId: account.arn,
      RotationLambdaARN: FAKE_LAMBDA_ARN,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotateImmediately: false,
    }),
  );
  const before = await stagesByVersion(sm, account.arn);

  for (const step of STEP_ORDER) {
    await rejectsWith(invoke(stepEvent(account.arn, randomUUID(), step)), 'UnknownToken');
  }
  assert.deepEqual(await stagesByVersion(sm, account.arn), before);
});

test('a secret whose rotation was cancelled is rejected before any password is generated', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  await sm.send(new CancelRotateSecretCommand({ SecretId: account.arn }));

  await rejectsWith(invoke(stepEvent(account.arn, token, 'createSecret')), 'RotationNotEnabled');
  await assert.rejects(readStage(sm, account.arn, 'AWSPENDING', token), { name: 'ResourceNotFoundException' });
});

test('a secret that never had rotation configured is rejected', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await putVersion(
    sm,
    account.arn,
    secretValue(testbed.db, { ...account, password: distinctivePassword() }),
    ['AWSPENDING'],
  );
  (await passwordsIn(sm, account.arn)).forEach((p) => knownPasswords.add(p));

  await rejectsWith(invoke(stepEvent(account.arn, token, 'setSecret')), 'RotationNotEnabled');
  assert.equal(await canLogIn(testbed.db, account), true);
});

test('a token whose version is not labelled AWSPENDING is rejected', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  await runSteps(invoke, account.arn, token);

  await rejectsWith(
    invoke(stepEvent(account.arn, account.firstVersion, 'setSecret')),
    'TokenNotPending',
  );
});

test('a step for a token that is already AWSCURRENT does nothing', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  await runSteps(invoke, account.arn, token);
  const before = await stagesByVersion(sm, account.arn);
  const current = await readStage(sm, account.arn, 'AWSCURRENT');

  const lines = captured.length;
  await runSteps(invoke, account.arn, token);

  assert.deepEqual(await stagesByVersion(sm, account.arn), before);
  const outcomes = captured.slice(lines).map((line) => JSON.parse(line).outcome);
  assert.deepEqual(outcomes, STEP_ORDER.flatMap(() => ['started', 'skipped']));
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
});

test('createSecret honours EXCLUDE_CHARACTERS and PASSWORD_LENGTH', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  const configured = rotationHandler({
    EXCLUDE_CHARACTERS: 'abcdefABCDEF012345!#$%',
    PASSWORD_LENGTH: '48',
  });

  await runSteps(configured, account.arn, token);

  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  assert.equal(current.value.password.length, 48);
  assert.doesNotMatch(current.value.password, /[a-fA-F0-5!#$%]/);
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
});

const execFileAsync = promisify(execFile);

// Runs one step in a fresh Node process from the committed bundle, as Lambda would load it.
async function invokeBundle(event, endpointEnv) {
  const program =
    'const { handler } = await import(process.env.BUNDLE);' +
    'await handler(JSON.parse(process.env.EVENT), { awsRequestId: "bundle-test" });';
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', program],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH,
          BUNDLE: resolve(packageDir, 'dist/index.mjs'),
          EVENT: JSON.stringify(event),
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...endpointEnv,
        },
      },
    );
    capture(stdout);
    capture(stderr);
    return stdout;
  } catch (err) {
    capture(err.stdout);
    capture(err.stderr);
    throw err;
  }
}

test('the bundled handler rotates through the endpoint named in the environment and logs one JSON object per line', TEST_TIMEOUT, async () => {
  const account = await rotatingAccount();
  const token = await startRotation(sm, account.arn);
  const endpoints = {
    createSecret: { SECRETS_MANAGER_ENDPOINT: testbed.endpoint },
    setSecret: { AWS_ENDPOINT_URL_SECRETS_MANAGER: testbed.endpoint },
    testSecret: { AWS_ENDPOINT_URL: testbed.endpoint },
    finishSecret: { SECRETS_MANAGER_ENDPOINT: testbed.endpoint },
  };

  for (const step of STEP_ORDER) {
    const stdout = await invokeBundle(stepEvent(account.arn, token, step), endpoints[step]);
    const entries = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(entries.map((entry) => entry.outcome), ['started', 'succeeded']);
    for (const entry of entries) {
      assert.equal(entry.step, step);
      assert.equal(entry.secretArn, account.arn);
      assert.equal(entry.token, token);
      assert.equal(entry.requestId, 'bundle-test');
    }
  }

  const current = await readStage(sm, account.arn, 'AWSCURRENT');
  assert.equal(current.versionId, token);
  assert.equal(await canLogIn(testbed.db, { ...account, password: current.value.password }), true);
  assert.equal(await canLogIn(testbed.db, account), false);
});

test('no log line, error or console output from these rotations contains a password', TEST_TIMEOUT, async () => {
  for (const arn of secretArns) {
    (await passwordsIn(sm, arn)).forEach((password) => knownPasswords.add(password));
  }
  assert.ok(knownPasswords.size > secretArns.length, 'passwords were generated');
  assert.ok(captured.length > 50, 'the function logged');
  const output = captured.join('\n');
  for (const password of knownPasswords) {
    // Any 12-character stretch of a password counts: error texts can truncate what they quote.
    for (let i = 0; i + 12 <= password.length; i += 1) {
      assert.ok(!output.includes(password.slice(i, i + 12)), 'a password appears in the output');
    }
  }
});
