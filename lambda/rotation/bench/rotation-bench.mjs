// Benchmark: wall-clock duration of a full four-step rotation (createSecret, setSecret,
// testSecret, finishSecret) of the committed bundle against moto's Secrets Manager and a local
// MariaDB, for each strategy: single user (the master secret) and alternating users (an
// application secret, after its first rotation created the user), over BENCH_ROTATIONS rotations
// (default 30) after BENCH_WARMUP (default 3); and the bundle's size in bytes. Prints one human
// line per figure and a JSON summary last.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  adminConnection,
  applicationSecretValue,
  canLogIn,
  createMasterAccount,
  createSecret,
  distinctivePassword,
  readStage,
  runSteps,
  secretsManagerClient,
  secretValue,
  startRotation,
  uniqueName,
} from '../test/support/fixtures.mjs';
import { packageDir, startTestbed } from '../test/support/testbed.mjs';

const rotations = positiveInteger(process.env.BENCH_ROTATIONS, 30);
const warmup = positiveInteger(process.env.BENCH_WARMUP, 3);
const bundlePath = resolve(packageDir, 'dist/index.mjs');

function positiveInteger(raw, fallback) {
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`not a positive integer: ${raw}`);
  return value;
}

// Nearest-rank percentile of an ascending list.
function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeRotations(sm, handler, arn) {
  const durations = [];
  for (let i = 0; i < warmup + rotations; i += 1) {
    const token = await startRotation(sm, arn);
    const started = performance.now();
    await runSteps(handler, arn, token);
    const elapsed = performance.now() - started;
    if (i >= warmup) durations.push(elapsed);
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  return {
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    minMs: round(sorted[0]),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

async function requireCurrentLogsIn(sm, db, arn) {
  const current = await readStage(sm, arn, 'AWSCURRENT');
  if (!(await canLogIn(db, current.value))) {
    throw new Error(`after the benchmark the AWSCURRENT value of ${arn} does not log in`);
  }
}

const testbed = await startTestbed();
try {
  const sm = secretsManagerClient(testbed.endpoint);
  const admin = await adminConnection(testbed.db);
  const account = { username: uniqueName('bench'), password: distinctivePassword(), dbname: uniqueName('db') };
  await createMasterAccount(admin, account);
  await admin.end();
  const master = await createSecret(sm, uniqueName('bench-secret'), secretValue(testbed.db, account));
  const app = await createSecret(
    sm,
    uniqueName('bench-app'),
    applicationSecretValue(testbed.db, { username: uniqueName('app'), dbname: account.dbname, masterArn: master.arn }),
  );

  const { createHandler } = await import(bundlePath);
  const handler = createHandler({ secretsManager: sm, writeLog: () => {} });

  const singleUser = await timeRotations(sm, handler, master.arn);
  await requireCurrentLogsIn(sm, testbed.db, master.arn);
  // The first rotation of the application secret creates its user; it is timed on its own.
  const started = performance.now();
  await runSteps(handler, app.arn, await startRotation(sm, app.arn));
  const firstRotationMs = Math.round((performance.now() - started) * 10) / 10;
  const alternatingUsers = { firstRotationMs, ...(await timeRotations(sm, handler, app.arn)) };
  await requireCurrentLogsIn(sm, testbed.db, app.arn);
  sm.destroy();

  const summary = {
    rotations,
    warmup,
    singleUser,
    alternatingUsers,
    bundleBytes: (await stat(bundlePath)).size,
    node: process.version,
  };
  const line = (s) => `median ${s.medianMs} ms, p95 ${s.p95Ms} ms, min ${s.minMs} ms, max ${s.maxMs} ms`;
  console.log(`full rotation (4 steps), ${rotations} rotations after ${warmup} warm-up:`);
  console.log(`  single user:       ${line(singleUser)}`);
  console.log(`  alternating users: ${line(alternatingUsers)} (first rotation, creating the user: ${firstRotationMs} ms)`);
  console.log(`bundle dist/index.mjs: ${summary.bundleBytes} bytes`);
  console.log(JSON.stringify(summary));
} finally {
  await testbed.stop();
}
