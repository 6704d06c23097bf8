// Test-only, for the provider's end-to-end test of `vault_rotate_secret`: plays Secrets Manager
// and Lambda for one rotation the provider started. moto runs no function code, so this waits for
// the rotation RotateSecret started (the token's empty AWSPENDING version, see testbed.py's
// `rotate_secret_as_aws_does`), invokes the real handler for each step as Secrets Manager would,
// and ships the function's log lines to its CloudWatch Logs group as Lambda does. It stops at the
// first failed step, as a rotation does until Secrets Manager retries it.
//
// Usage: node play_rotation.mjs <endpoint> <secret-arn> <log-group> <timeout-ms>
// Prints one JSON line: {"token": ..., "outcome": "finished" | "failed"}.
import { randomUUID } from 'node:crypto';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { createHandler } from '../../src/index.mjs';
import { secretsManagerClient, STEP_ORDER, stepEvent } from './fixtures.mjs';

const [endpoint, secretArn, logGroup, timeoutMs] = process.argv.slice(2);
const sm = secretsManagerClient(endpoint);

// CloudWatch Logs' JSON protocol, unsigned: moto routes by the credential scope's service.
async function logs(target, body) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `Logs_20140328.${target}`,
      Authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${target}: ${res.status} ${await res.text()}`);
}

async function pendingToken(deadline) {
  while (Date.now() < deadline) {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: secretArn }));
    const pending = Object.entries(d.VersionIdsToStages ?? {}).find(
      ([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'),
    );
    if (pending) return pending[0];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no rotation of ${secretArn} started within ${timeoutMs} ms`);
}

const token = await pendingToken(Date.now() + Number(timeoutMs));
const stream = randomUUID();
await logs('CreateLogStream', { logGroupName: logGroup, logStreamName: stream });
const lines = [];
const handler = createHandler({ secretsManager: sm, writeLog: (line) => lines.push(String(line)), env: {} });
let outcome = 'finished';
for (const step of STEP_ORDER) {
  try {
    await handler(stepEvent(secretArn, token, step), { awsRequestId: randomUUID() });
  } catch {
    outcome = 'failed';
  }
  if (lines.length > 0) {
    const now = Date.now();
    await logs('PutLogEvents', {
      logGroupName: logGroup,
      logStreamName: stream,
      logEvents: lines.splice(0).map((message) => ({ timestamp: now, message })),
    });
  }
  if (outcome === 'failed') break;
}
sm.destroy();
console.log(JSON.stringify({ token, outcome }));
