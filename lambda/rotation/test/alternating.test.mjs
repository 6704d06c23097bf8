// The alternating-users strategy against a real MariaDB and moto's Secrets Manager: an application
// secret (with `masterarn`) whose users `<name>` and `<name>_clone` are created and changed by the
// master account. Rotations start as AWS starts them (testbed.py): RotateSecret creates the token's
// version empty and labelled AWSPENDING, then each step is invoked.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { APPLICATION_PRIVILEGES } from '../src/database.mjs';
import { createHandler } from '../src/index.mjs';
import {
  adminConnection,
  applicationSecretValue,
  canLogIn,
  createMasterAccount,
  createSecret,
  distinctivePassword,
  passwordsIn,
  readStage,
  runSteps,
  secretsManagerClient,
  secretValue,
  stagesByVersion,
  startRotation,
  STEP_ORDER,
  stepEvent,
  uniqueName,
} from './support/fixtures.mjs';
import { startTestbed } from './support/testbed.mjs';

const TEST_TIMEOUT = { timeout: 60000 };

let testbed;
let sm;
let admin;
let invoke;
const captured = [];
const knownPasswords = new Set();
const secretArns = [];
const capture = (line) => captured.push(String(line));

before(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    console[method] = (...args) => capture(args.map(String).join(' '));
  }
  testbed = await startTestbed();
  sm = secretsManagerClient(testbed.endpoint);
  admin = await adminConnection(testbed.db);
  const handler = createHandler({ secretsManager: sm, writeLog: capture, env: {} });
  invoke = async (event) => {
    try {
      return await handler(event, { awsRequestId: randomUUID() });
    } catch (err) {
      capture(err?.stack);
      capture(JSON.stringify(err));
      throw err;
    }
  };
});

after(async () => {
  await admin?.end().catch(() => {});
  sm?.destroy();
  await testbed?.stop();
});

// A master account and its secret (with the cluster's host, as the provider leaves it), and an
// application secret naming it, before any rotation: the application user does not exist yet.
async function applicationStack() {
  const master = {
    username: uniqueName('master'),
    password: distinctivePassword(),
    dbname: uniqueName('db'),
  };
  knownPasswords.add(master.password);
  await createMasterAccount(admin, master);
  const masterSecret = await createSecret(sm, uniqueName('master'), secretValue(testbed.db, master));
  const username = uniqueName('app');
  const app = await createSecret(
    sm,
    uniqueName('app'),
    applicationSecretValue(testbed.db, { username, dbname: master.dbname, masterArn: masterSecret.arn }),
  );
  secretArns.push(masterSecret.arn, app.arn);
  return { master, masterArn: masterSecret.arn, username, dbname: master.dbname, arn: app.arn, firstVersion: app.firstVersion };
}

async function rotate(stack) {
  const token = await startRotation(sm, stack.arn);
  await runSteps(invoke, stack.arn, token);
  return token;
}

async function current(stack) {
  return (await readStage(sm, stack.arn, 'AWSCURRENT')).value;
}

async function userExists(username) {
  const [rows] = await admin.query('SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?', [username, '%']);
  return rows.length === 1;
}

async function grantsOf(username) {
  const [rows] = await admin.query({ sql: 'SHOW GRANTS FOR ?@?', values: [username, '%'], rowsAsArray: true });
  // The USAGE line carries the password hash on MariaDB: keep the privilege part only.
  return rows.map(([line]) => String(line).replace(/ IDENTIFIED BY PASSWORD .*/, '')).sort();
}

// The grants with the grantee's name taken out, to compare two users' grants.
async function grantsWithoutGrantee(username) {
  return (await grantsOf(username)).map((line) => line.replace(` TO \`${username}\`@\`%\``, ' TO <user>'));
}

test('the first rotation creates the application user with privileges on its database only', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  assert.equal(await userExists(stack.username), false);

  const token = await rotate(stack);

  const value = await current(stack);
  knownPasswords.add(value.password);
  assert.equal((await readStage(sm, stack.arn, 'AWSCURRENT')).versionId, token);
  assert.equal(value.username, stack.username, 'the first rotation makes the secret\'s own user');
  assert.equal(value.host, testbed.db.host, 'the host comes from the master secret');
  assert.equal(value.masterarn, stack.masterArn);
  assert.equal(value.password.length, 32);
  assert.equal(await canLogIn(testbed.db, value), true);
  assert.equal(await userExists(`${stack.username}_clone`), false, 'the alternate waits for the second rotation');

  const grants = await grantsOf(stack.username);
  assert.equal(grants.length, 2, grants.join('\n'));
  assert.equal(grants[1], `GRANT USAGE ON *.* TO \`${stack.username}\`@\`%\``);
  const onDatabase = grants[0].match(/^GRANT (.+) ON `([^`]+)`\.\* TO /);
  assert.ok(onDatabase, grants[0]);
  assert.equal(onDatabase[2], stack.dbname);
  assert.deepEqual(onDatabase[1].split(', ').sort(), [...APPLICATION_PRIVILEGES].sort());
  // USAGE on *.* is "no privilege"; nothing else is granted globally, and no GRANT OPTION.
  assert.ok(!grants.some((g) => /ON \*\.\*/.test(g) && !/^GRANT USAGE ON/.test(g)));
  assert.ok(!grants.some((g) => /GRANT OPTION/.test(g)));

  const other = uniqueName('otherdb');
  await admin.query(`CREATE DATABASE \`${other}\``);
  const app = await mysql.createConnection({ host: testbed.db.host, port: testbed.db.port, user: value.username, password: value.password });
  try {
    await app.query(`CREATE TABLE \`${stack.dbname}\`.t (id INT PRIMARY KEY)`);
    await app.query(`INSERT INTO \`${stack.dbname}\`.t VALUES (1)`);
    await assert.rejects(app.query(`CREATE TABLE \`${other}\`.t (id INT)`), { code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await assert.rejects(app.query('CREATE USER x@y'), { code: 'ER_SPECIFIC_ACCESS_DENIED_ERROR' });
    await assert.rejects(app.query('SELECT * FROM mysql.user'), { code: 'ER_TABLEACCESS_DENIED_ERROR' });
  } finally {
    await app.end();
  }
});

test('a full alternating rotation gives the other user a new password and the current user\'s grants', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  const first = await rotate(stack);
  const before = await current(stack);

  const second = await rotate(stack);

  const stages = await stagesByVersion(sm, stack.arn);
  assert.ok(stages[second].includes('AWSCURRENT'));
  assert.deepEqual(stages[first], ['AWSPREVIOUS']);
  const after = await current(stack);
  knownPasswords.add(after.password);
  assert.equal(after.username, `${stack.username}_clone`);
  assert.notEqual(after.password, before.password);
  assert.deepEqual({ ...after, username: null, password: null }, { ...before, username: null, password: null }, 'only the user and password change');
  assert.equal(await canLogIn(testbed.db, after), true);
  assert.deepEqual(await grantsWithoutGrantee(after.username), await grantsWithoutGrantee(stack.username));

  const third = await rotate(stack);
  const back = await current(stack);
  knownPasswords.add(back.password);
  assert.equal((await readStage(sm, stack.arn, 'AWSCURRENT')).versionId, third);
  assert.equal(back.username, stack.username, 'the third rotation is back to the first user');
  assert.notEqual(back.password, before.password);
  assert.equal(await canLogIn(testbed.db, back), true);
});

test('the credentials current before rotation N log in until rotation N+1 ends', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  await rotate(stack);

  for (let n = 2; n <= 5; n += 1) {
    const held = await current(stack);
    knownPasswords.add(held.password);
    const token = await startRotation(sm, stack.arn);
    for (const step of STEP_ORDER) {
      await invoke(stepEvent(stack.arn, token, step));
      assert.equal(await canLogIn(testbed.db, held), true, `during rotation ${n}, after ${step}`);
    }
    assert.equal(await canLogIn(testbed.db, held), true, `after rotation ${n}`);
    const next = await current(stack);
    assert.notEqual(next.username, held.username);

    await rotate(stack);
    assert.equal(await canLogIn(testbed.db, held), false, `after rotation ${n + 1}`);
    assert.equal(await canLogIn(testbed.db, next), true, `the credentials of rotation ${n} still log in after rotation ${n + 1}`);
  }
});

test('every step run twice ends as a single run does, for the first and a later rotation', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  for (const expectedUser of [stack.username, `${stack.username}_clone`]) {
    const before = await stagesByVersion(sm, stack.arn);
    const token = await startRotation(sm, stack.arn);
    await invoke(stepEvent(stack.arn, token, 'createSecret'));
    const pending = await readStage(sm, stack.arn, 'AWSPENDING', token);
    await invoke(stepEvent(stack.arn, token, 'createSecret'));
    assert.equal((await readStage(sm, stack.arn, 'AWSPENDING', token)).value.password, pending.value.password, 'no second password');
    for (const step of STEP_ORDER.slice(1)) {
      await invoke(stepEvent(stack.arn, token, step));
      await invoke(stepEvent(stack.arn, token, step));
    }

    const stages = await stagesByVersion(sm, stack.arn);
    assert.deepEqual(Object.keys(stages).sort(), [...Object.keys(before), token].sort());
    assert.ok(stages[token].includes('AWSCURRENT'));
    const value = await current(stack);
    assert.equal(value.username, expectedUser);
    assert.equal(value.password, pending.value.password);
    assert.equal(await canLogIn(testbed.db, value), true);
  }
  assert.deepEqual(await grantsWithoutGrantee(`${stack.username}_clone`), await grantsWithoutGrantee(stack.username));
});

test('a rotation that stopped between steps converges when it is run again from createSecret', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  for (const stopAfter of ['createSecret', 'setSecret', 'testSecret']) {
    const held = await readStage(sm, stack.arn, 'AWSCURRENT').then((r) => r.value).catch(() => null);
    const token = await startRotation(sm, stack.arn);
    await runSteps(invoke, stack.arn, token, STEP_ORDER.slice(0, STEP_ORDER.indexOf(stopAfter) + 1));
    const pending = await readStage(sm, stack.arn, 'AWSPENDING', token);

    await runSteps(invoke, stack.arn, token);

    const value = await current(stack);
    assert.equal((await readStage(sm, stack.arn, 'AWSCURRENT')).versionId, token, `stopped after ${stopAfter}`);
    assert.equal(value.password, pending.value.password);
    assert.equal(await canLogIn(testbed.db, value), true);
    if (held?.password) assert.equal(await canLogIn(testbed.db, held), true, 'the held credentials still work');
  }
});

test('a setSecret that died after creating the user, before granting, converges on the grants', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  await rotate(stack);
  const token = await startRotation(sm, stack.arn);
  await invoke(stepEvent(stack.arn, token, 'createSecret'));
  const pending = await readStage(sm, stack.arn, 'AWSPENDING', token);
  // What the first statement of setSecret leaves when the function dies right after it.
  await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [pending.value.username, '%', pending.value.password]);
  assert.deepEqual(await grantsOf(pending.value.username), [`GRANT USAGE ON *.* TO \`${pending.value.username}\`@\`%\``]);

  await runSteps(invoke, stack.arn, token, STEP_ORDER.slice(1));

  assert.deepEqual(await grantsWithoutGrantee(pending.value.username), await grantsWithoutGrantee(stack.username));
  assert.equal(await canLogIn(testbed.db, pending.value), true);
});

test('the master secret in the middle of its own rotation still lets the application secret rotate', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  await rotate(stack);
  // The master's rotation has set its new password and not yet moved AWSCURRENT.
  const masterToken = await startRotation(sm, stack.masterArn);
  await runSteps(invoke, stack.masterArn, masterToken, ['createSecret', 'setSecret']);
  const masterCurrent = await readStage(sm, stack.masterArn, 'AWSCURRENT');
  assert.equal(await canLogIn(testbed.db, masterCurrent.value), false);

  const lines = captured.length;
  await rotate(stack);

  const setLog = captured
    .slice(lines)
    .map((line) => JSON.parse(line))
    .find((entry) => entry.step === 'setSecret' && entry.outcome === 'succeeded');
  assert.equal(setLog.loggedInWith, 'master AWSPENDING');
  assert.equal(await canLogIn(testbed.db, await current(stack)), true);
  await runSteps(invoke, stack.masterArn, masterToken, ['testSecret', 'finishSecret']);
});

test('a pending value naming the master user is refused before anything changes', TEST_TIMEOUT, async () => {
  const stack = await applicationStack();
  await rotate(stack);
  const token = await startRotation(sm, stack.arn);
  await invoke(stepEvent(stack.arn, token, 'createSecret'));
  const pending = await readStage(sm, stack.arn, 'AWSPENDING', token);
  const planted = distinctivePassword();
  knownPasswords.add(planted);
  const { PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  await sm.send(new PutSecretValueCommand({
    SecretId: stack.arn,
    SecretString: JSON.stringify({ ...pending.value, username: stack.master.username, password: planted }),
    VersionStages: ['AWSPENDING'],
    ClientRequestToken: randomUUID(),
  }));
  const replaced = Object.entries(await stagesByVersion(sm, stack.arn)).find(([, s]) => s.includes('AWSPENDING'))[0];

  await assert.rejects(invoke(stepEvent(stack.arn, replaced, 'setSecret')), { code: 'SecretMismatch' });
  assert.equal(await canLogIn(testbed.db, stack.master), true, 'the master password is untouched');
});

test('no log line, error or console output of these rotations contains a password', TEST_TIMEOUT, async () => {
  for (const arn of secretArns) {
    (await passwordsIn(sm, arn)).forEach((password) => knownPasswords.add(password));
  }
  assert.ok(knownPasswords.size > secretArns.length, 'passwords were generated');
  assert.ok(captured.length > 100, 'the function logged');
  const output = captured.join('\n');
  for (const password of knownPasswords) {
    for (let i = 0; i + 12 <= password.length; i += 1) {
      assert.ok(!output.includes(password.slice(i, i + 12)), 'a password appears in the output');
    }
  }
});
