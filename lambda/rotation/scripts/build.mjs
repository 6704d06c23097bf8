// Builds the one-file Lambda bundle: `npm run build` writes dist/index.mjs; `--outfile PATH`
// writes elsewhere (the freshness test builds into a temporary directory and compares bytes).
//
// Reproducible by construction: exact dependency versions from package-lock.json, a pinned
// esbuild, paths in the output relative to this package, no timestamps, no source maps.
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function buildBundle(outfile) {
  await build({
    absWorkingDir: packageDir,
    entryPoints: ['src/index.mjs'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    // The Lambda Node.js runtimes ship the AWS SDK v3; bundling our own would only add weight.
    external: ['@aws-sdk/*'],
    // mysql2 and its dependencies are CommonJS and require Node built-ins; an ES module has no
    // `require` of its own, so give the bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    legalComments: 'eof',
    charset: 'utf8',
    sourcemap: false,
    metafile: false,
    logLevel: 'warning',
  });
}

const args = process.argv.slice(2);
const outIndex = args.indexOf('--outfile');
const outfile = outIndex >= 0 ? resolve(args[outIndex + 1]) : resolve(packageDir, 'dist/index.mjs');
await buildBundle(outfile);
