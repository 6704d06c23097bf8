// The alternating-users strategy (zero downtime), for an application secret whose value names its
// master secret (`masterarn`). Two database users take turns: `app` and `app_clone`. Each
// rotation gives a new password to the user that is *not* current, so the credentials an
// application holds (AWSCURRENT before the rotation) keep working until the rotation after next.
// The master account, whose secret rotates on its own (single-user), creates and changes them.
//
// The first rotation, started when the stack creates the secret, also creates the application
// user: the provider cannot reach the private database. It gets privileges on the secret's
// `dbname` only. testSecret and finishSecret are the same as for a single user (steps.mjs).
import { close, databaseGrant, ensureUser, grantsOf, login, loginWithFirst } from './database.mjs';
import { RotationError } from './log.mjs';
import { awaitsFirstRotation, CURRENT, PENDING, PREVIOUS } from './secret.mjs';

const CLONE_SUFFIX = '_clone';

// `app` <-> `app_clone`.
export function otherUser(username) {
  return username.endsWith(CLONE_SUFFIX)
    ? username.slice(0, -CLONE_SUFFIX.length)
    : `${username}${CLONE_SUFFIX}`;
}

// The user the token's version is for: the other one, except on the first rotation, which makes
// the secret's own user.
function pendingUser(current) {
  return awaitsFirstRotation(current) ? current.username : otherUser(current.username);
}

// Stores the pending value for the other user, with a new password. The host and port come from
// the master secret: the provider writes the cluster's endpoint there, and an application secret
// follows it (its first value has no host at all).
export async function createSecret({ versions, token, settings, rotationToken, current }) {
  const pending = await versions.read(PENDING, { versionId: token, optional: true });
  if (pending) {
    return { outcome: 'skipped', message: 'the AWSPENDING value for this token already exists' };
  }
  const master = await versions.of(current.masterarn).read(CURRENT);
  const password = await versions.randomPassword(settings);
  const { password: _none, ...fields } = current;
  await versions.putPending(
    token,
    {
      ...fields,
      host: master.host,
      ...(master.port === undefined ? {} : { port: master.port }),
      username: pendingUser(current),
      password,
    },
    rotationToken,
  );
  return {
    outcome: 'succeeded',
    message: awaitsFirstRotation(current)
      ? 'stored the first password of the application user as AWSPENDING'
      : 'stored a new password for the other application user as AWSPENDING',
  };
}

// Logs in as the master and makes the pending user exist, with the current user's grants (or, when
// there is no current user yet, the application privileges on `dbname`) and the pending password.
// Every statement is idempotent, so this step runs the same way whether or not an earlier attempt
// got anywhere.
export async function setSecret({ versions, token, settings, current }) {
  const pending = await versions.read(PENDING, { versionId: token });
  if (pending.masterarn !== current.masterarn) {
    throw new RotationError('SecretMismatch', 'the AWSPENDING value names another master secret');
  }
  if (pending.username !== pendingUser(current)) {
    throw new RotationError(
      'SecretMismatch',
      'the AWSPENDING value names neither the current application user nor its alternate',
    );
  }
  if (typeof pending.dbname !== 'string' || pending.dbname === '') {
    throw new RotationError(
      'InvalidSecretValue',
      'the AWSPENDING value has no "dbname": the application user is granted one database only',
    );
  }

  const master = versions.of(current.masterarn);
  const { connection, loggedInWith } = await loginWithFirst(
    [CURRENT, PENDING, PREVIOUS].map((stage) => ({
      label: `master ${stage}`,
      read: () => master.read(stage, { optional: stage !== CURRENT }),
      check: (value) => {
        if (value.host !== pending.host || String(value.port) !== String(pending.port)) {
          throw new RotationError('SecretMismatch', `the master ${stage} value names another database server`);
        }
        if (value.username === pending.username) {
          throw new RotationError('SecretMismatch', 'the application user must not be the master user');
        }
      },
    })),
    settings,
  );

  try {
    const copied = awaitsFirstRotation(current) ? null : await grantsOf(connection, current.username);
    const grants = copied ?? [databaseGrant(pending.dbname)];
    await ensureUser(connection, { username: pending.username, password: pending.password, grants });
  } catch (err) {
    if (err instanceof RotationError) throw err;
    throw new RotationError(
      'UserChangeFailed',
      `the database refused to create or change the application user (${err.code}${err.sqlState ? `, SQLSTATE ${err.sqlState}` : ''})`,
    );
  } finally {
    await close(connection);
  }

  const check = await login(pending, settings);
  if (!check.connection) {
    throw new RotationError(
      'PasswordChangeNotEffective',
      `the user change reported success but AWSPENDING cannot log in (${check.failure})`,
    );
  }
  await close(check.connection);
  return {
    outcome: 'succeeded',
    message: `set the AWSPENDING user's password, logged in with the ${loggedInWith} value`,
    loggedInWith,
  };
}
