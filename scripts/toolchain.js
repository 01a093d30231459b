'use strict';
/**
 * The TypeScript toolchain check of this repository's runners (scripts/run.js, scripts/repl.js):
 * ts-node 10.9 runs on TypeScript 5.x only (on TypeScript 7 it dies inside its own configuration
 * code: "Cannot read properties of undefined (reading 'fileExists')"). A version outside the range
 * stops with one line naming the versions found and the fix, instead of ts-node's stack trace.
 * package.json "peerDependencies" states the same range.
 */
const path = require('node:path');

/** The range ts-node 10.9.2 works in: TypeScript >= 5.2 (`using` in the declarations) and < 6. */
const TYPESCRIPT = { min: [5, 2], below: 6, text: '>=5.2 <6' };
const TS_NODE = { major: 10, minMinor: 9, text: '^10.9.2' };

function versionOf(name, root) {
  try {
    return require(require.resolve(`${name}/package.json`, { paths: [root] })).version;
  } catch {
    return null;
  }
}

/** Null when ts-node and TypeScript (resolved from `root`) are in range, else the one line to print. */
function tsNodeProblem(root) {
  const tsNode = versionOf('ts-node', root);
  const typescript = versionOf('typescript', root);
  const recipe = 'npm install --save-dev typescript@5 ts-node@10.9.2 (or run .ts files with Node 24+: node main.ts; see docs/install.md)';
  if (!tsNode || !typescript) return `gstreamer-ts: ts-node ${tsNode ?? 'missing'} with TypeScript ${typescript ?? 'missing'}: ${recipe}`;
  const [tsMajor, tsMinor] = typescript.split('.').map(Number);
  const [nodeMajor, nodeMinor] = tsNode.split('.').map(Number);
  const tsOk =
    tsMajor < TYPESCRIPT.below && (tsMajor > TYPESCRIPT.min[0] || (tsMajor === TYPESCRIPT.min[0] && tsMinor >= TYPESCRIPT.min[1]));
  const nodeOk = nodeMajor === TS_NODE.major && nodeMinor >= TS_NODE.minMinor;
  if (tsOk && nodeOk) return null;
  return `gstreamer-ts: ts-node ${tsNode} with TypeScript ${typescript} is not supported (ts-node ${TS_NODE.text} needs TypeScript ${TYPESCRIPT.text}): ${recipe}`;
}

/** Exits with the one line of {@link tsNodeProblem} when the toolchain at `root` is out of range. */
function checkTsNode(root = path.resolve(__dirname, '..')) {
  const problem = tsNodeProblem(root);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}

module.exports = { checkTsNode, tsNodeProblem };
