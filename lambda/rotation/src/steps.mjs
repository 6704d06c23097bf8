// The four rotation steps. The strategy is chosen from the AWSCURRENT value (see strategyOf):
// createSecret and setSecret differ (alternating users in alternating.mjs), testSecret and
// finishSecret are shared. Each step is safe to run again: it first looks at where the previous
// attempt got to, and only then acts.
//
// A step returns { outcome, message, ...details } for the log; `outcome` is "succeeded" when it
// changed something and "skipped" when it found the work already done. Failures throw.
import * as alternating from './alternating.mjs';
import { changeOwnPassword, close, login, loginWithFirst, runTestQuery } from './database.mjs';
import { RotationError } from './log.mjs';
import {
  ALTERNATING_USERS,
  CURRENT,
  PENDING,
  PREVIOUS,
  strategyOf,
  versionWithStage,
} from './secret.mjs';

// The AWSCURRENT value, which decides the strategy; an application secret's may await its first
// rotation (no password yet).
async function currentValue(versions) {
  return versions.read(CURRENT, { awaitingFirstRotation: true });
}

export async function createSecret(input) {
  const current = await currentValue(input.versions);
  if (strategyOf(current) === ALTERNATING_USERS) return alternating.createSecret({ ...input, current });
  return createSingleUserSecret({ ...input, current });
}

export async function setSecret(input) {
  const current = await currentValue(input.versions);
  if (strategyOf(current) === ALTERNATING_USERS) return alternating.setSecret({ ...input, current });
  return setSingleUserSecret({ ...input, current });
}

// Generates the new password and stores it as the token's AWSPENDING version, unless a value is
// already there (Secrets Manager creates the version empty; a retried createSecret finds it full).
async function createSingleUserSecret({ versions, token, settings, rotationToken, current }) {
  const pending = await versions.read(PENDING, { versionId: token, optional: true });
  if (pending) {
    return { outcome: 'skipped', message: 'the AWSPENDING value for this token already exists' };
  }
  const password = await versions.randomPassword(settings);
  await versions.putPending(token, { ...current, password }, rotationToken);
  return { outcome: 'succeeded', message: 'stored a new password as AWSPENDING' };
}

// Sets the database account's password to the pending one, logging in with the first of
// AWSPENDING (then it is already set), AWSCURRENT, AWSPREVIOUS that works.
async function setSingleUserSecret({ versions, token, settings, current }) {
  const pending = await versions.read(PENDING, { versionId: token });
  const pendingLogin = await login(pending, settings);
  if (pendingLogin.connection) {
    await close(pendingLogin.connection);
    return { outcome: 'skipped', message: 'the database already accepts the AWSPENDING password' };
  }

  const { connection, loggedInWith } = await loginWithFirst(
    [CURRENT, PREVIOUS].map((stage) => ({
      label: stage,
      read: () => (stage === CURRENT ? current : versions.read(stage, { optional: true })),
      check: (value) => requireSameAccount(value, pending, stage),
    })),
    settings,
    [`${PENDING}: ${pendingLogin.failure}`],
  );

  try {
    await changeOwnPassword(connection, pending.password);
  } catch (err) {
    throw new RotationError(
      'PasswordChangeFailed',
      `the database refused the password change (${err.code}${err.sqlState ? `, SQLSTATE ${err.sqlState}` : ''})`,
    );
  } finally {
    await close(connection);
  }

  // Proves the change took effect: some servers accept a password statement and change nothing.
  const check = await login(pending, settings);
  if (!check.connection) {
    throw new RotationError(
      'PasswordChangeNotEffective',
      `the password change reported success but AWSPENDING cannot log in (${check.failure})`,
    );
  }
  await close(check.connection);
  return {
    outcome: 'succeeded',
    message: `set the AWSPENDING password, logged in with ${loggedInWith}`,
    loggedInWith,
  };
}

// Logs in with the pending password and runs a query.
export async function testSecret({ versions, token, settings }) {
  const pending = await versions.read(PENDING, { versionId: token });
  const pendingLogin = await login(pending, settings);
  if (!pendingLogin.connection) {
    throw new RotationError(
      'DatabaseLoginFailed',
      `could not log in to the database with AWSPENDING (${pendingLogin.failure})`,
    );
  }
  try {
    if (!(await runTestQuery(pendingLogin.connection))) {
      throw new RotationError('TestQueryFailed', 'the test query returned an unexpected result');
    }
  } catch (err) {
    if (err instanceof RotationError) throw err;
    throw new RotationError('TestQueryFailed', `the test query failed (${err?.code ?? err?.name})`);
  } finally {
    await close(pendingLogin.connection);
  }
  return { outcome: 'succeeded', message: 'logged in with AWSPENDING and ran a query' };
}

// Moves AWSCURRENT to the token's version; Secrets Manager moves AWSPREVIOUS to the version it
// leaves. The handler has already returned if the token's version is current.
export async function finishSecret({ versions, token, metadata }) {
  const currentVersion = versionWithStage(metadata, CURRENT);
  if (currentVersion === token) {
    return { outcome: 'skipped', message: 'this version is already AWSCURRENT' };
  }
  await versions.moveCurrent(token, currentVersion);
  return { outcome: 'succeeded', message: 'moved AWSCURRENT to this version', previousVersion: currentVersion };
}

// A pending value that names another account or server must not be written through the
// credentials of this one.
function requireSameAccount(source, pending, stage) {
  if (source.username !== pending.username || source.host !== pending.host) {
    throw new RotationError(
      'SecretMismatch',
      `the AWSPENDING value names a different username or host than ${stage}`,
    );
  }
}

export const STEPS = { createSecret, setSecret, testSecret, finishSecret };
