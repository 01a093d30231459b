#!/usr/bin/env node
'use strict';
/**
 * `node scripts/run.js <file.ts> [args...]`: runs a TypeScript file of this repository (an
 * example, `npm start`) with the fastest runner the Node.js in use has, in this process:
 *
 *  - Node's own TypeScript (type stripping: Node 22.18+, 24, 26) when it also has `using`
 *    declarations (Node 24+), which the examples use. The file is imported (`import()`) as an ES
 *    module, as `node main.ts` runs one in a user's "type": "module" project (this repository's
 *    package.json names no type: Node tells the examples' module syntax by itself).
 *  - Otherwise ts-node, transpile-only (Node 20 and 22: no `using`, or no type stripping), with
 *    the repository's tsconfig.json (its "moduleTypes" run examples/ as CommonJS).
 *
 * Either way `gstreamer-ts` resolves to this package's own build (dist/, through package.json
 * "exports"): `npm start` builds it first when src/ changed (scripts/build.js --if-stale).
 * `GSTREAMER_TS_RUNNER=ts-node` forces ts-node. A ts-node or TypeScript outside the range ts-node
 * supports gets one line saying so (scripts/toolchain.js), not ts-node's stack trace.
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const USAGE = 'usage: node scripts/run.js <file.ts> [args...]';
const [file, ...args] = process.argv.slice(2);
if (!file || file === '-h' || file === '--help') {
  console.error(USAGE);
  process.exit(file ? 0 : 2);
}
const script = path.resolve(file);

/** Whether this Node parses `using` declarations (V8 of Node 24 and newer). */
function hasUsing() {
  try {
    new Function('{ using resource = null; }');
    return true;
  } catch {
    return false;
  }
}

const nativeTypeScript = Boolean(process.features.typescript) && hasUsing() && process.env.GSTREAMER_TS_RUNNER !== 'ts-node';
process.argv = [process.argv[0], script, ...args];

if (nativeTypeScript) {
  // examples/ has no package.json of its own: Node finds ES module syntax in a package without
  // "type" and says so once per file. Said here and in child processes (examples that fork).
  const QUIET = 'MODULE_TYPELESS_PACKAGE_JSON';
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitOtherWarnings(warning, ...rest) {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1];
    if (code === QUIET) return;
    emitWarning.call(process, warning, ...rest);
  };
  process.execArgv.push(`--disable-warning=${QUIET}`);
  import(pathToFileURL(script).href).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  const root = path.resolve(__dirname, '..');
  require('./toolchain').checkTsNode(root);
  const project = path.join(root, 'tsconfig.json');
  require('ts-node').register({ project, transpileOnly: true });
  // child processes of the script (fork) run .ts files the same way
  process.env.TS_NODE_PROJECT = project;
  process.execArgv.push('--require', require.resolve('ts-node/register/transpile-only', { paths: [root] }));
  require(script);
}
