// Benchmark: wall-clock duration of a full four-step rotation (createSecret, setSecret,
// testSecret, finishSecret) of the committed bundle against moto's Secrets Manager and a local
// MariaDB, over BENCH_ROTATIONS rotations (default 30) after BENCH_WARMUP (default 3); and the
// bundle's size in bytes. Prints one human line per figure and a JSON summary last.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  adminConnection,
  canLogIn,
  createDatabaseAccount,
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

const testbed = await startTestbed();
try {
  const sm = secretsManagerClient(testbed.endpoint);
  const admin = await adminConnection(testbed.db);
  const account = { username: uniqueName('bench'), password: distinctivePassword(), dbname: uniqueName('db') };
  await createDatabaseAccount(admin, account);
  await admin.end();
  const { arn } = await createSecret(sm, uniqueName('bench-secret'), secretValue(testbed.db, account));

  const { createHandler } = await import(bundlePath);
  const handler = createHandler({ secretsManager: sm, writeLog: () => {} });

  const durations = [];
  for (let i = 0; i < warmup + rotations; i += 1) {
    const token = await startRotation(sm, arn);
    const started = performance.now();
    await runSteps(handler, arn, token);
    const elapsed = performance.now() - started;
    if (i >= warmup) durations.push(elapsed);
  }

  const current = await readStage(sm, arn, 'AWSCURRENT');
  if (!(await canLogIn(testbed.db, { ...account, password: current.value.password }))) {
    throw new Error('after the benchmark the AWSCURRENT password does not log in');
  }
  sm.destroy();

  const sorted = [...durations].sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  const summary = {
    rotations,
    warmup,
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    minMs: round(sorted[0]),
    maxMs: round(sorted[sorted.length - 1]),
    bundleBytes: (await stat(bundlePath)).size,
    node: process.version,
  };
  console.log(`full rotation (4 steps), ${rotations} rotations after ${warmup} warm-up:`);
  console.log(`  median ${summary.medianMs} ms, p95 ${summary.p95Ms} ms, min ${summary.minMs} ms, max ${summary.maxMs} ms`);
  console.log(`bundle dist/index.mjs: ${summary.bundleBytes} bytes`);
  console.log(JSON.stringify(summary));
} finally {
  await testbed.stop();
}
