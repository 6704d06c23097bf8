// Starts testbed.py (moto Secrets Manager + a throwaway MariaDB on free loopback ports) and stops
// it. The supervisor watches its stdin: when this process ends, however it ends, the pipe closes
// and both servers go away with their data.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function testbedPython() {
  const python =
    process.env.VAULT_TESTBED_PYTHON ?? resolve(packageDir, '../../.testbed/venv/bin/python');
  if (!existsSync(python)) {
    throw new Error(
      `no Python with moto at ${python}: run scripts/setup.sh, or set VAULT_TESTBED_PYTHON`,
    );
  }
  return python;
}

export async function startTestbed({ readyTimeoutMs = 60000 } = {}) {
  const child = spawn(testbedPython(), [resolve(packageDir, 'test/support/testbed.py')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));

  const ready = await new Promise((resolveReady, rejectReady) => {
    let buffered = '';
    const timer = setTimeout(
      () => rejectReady(new Error(`testbed not ready after ${readyTimeoutMs} ms\n${stderr}`)),
      readyTimeoutMs,
    );
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolveReady(JSON.parse(buffered.slice(0, newline)));
        } catch (err) {
          rejectReady(err);
        }
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      rejectReady(new Error(`testbed exited (${code}) before it was ready\n${stderr}`));
    });
  }).catch(async (err) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });

  let stopped;
  return {
    endpoint: ready.endpoint,
    db: ready.db,
    stop() {
      stopped ??= (async () => {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
