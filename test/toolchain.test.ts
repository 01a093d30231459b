/**
 * scripts/toolchain.js: the one line scripts/run.js and `npm run repl` print instead of ts-node's
 * stack trace when ts-node and TypeScript are out of the range ts-node 10.9 runs in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/support';

const { tsNodeProblem } = require(path.join(ROOT, 'scripts', 'toolchain.js')) as { tsNodeProblem(root: string): string | null };

const roots: string[] = [];
test.after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A project root whose node_modules holds these versions (package.json files only). */
function projectWith(versions: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-toolchain-'));
  roots.push(root);
  for (const [name, version] of Object.entries(versions)) {
    fs.mkdirSync(path.join(root, 'node_modules', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  return root;
}

test("this repository's own ts-node and TypeScript are in range", () => {
  assert.is(tsNodeProblem(ROOT), null);
});

test('TypeScript 7 under ts-node 10.9.2: one line naming both and the recipe', () => {
  const problem = tsNodeProblem(projectWith({ 'ts-node': '10.9.2', typescript: '7.0.2' }));
  assert.ok(problem);
  assert.not.match(problem, /\n/);
  assert.match(problem, /ts-node 10\.9\.2 with TypeScript 7\.0\.2 is not supported/);
  assert.match(problem, /npm install --save-dev typescript@5 ts-node@10\.9\.2/);
});

test('TypeScript older than 5.2, or ts-node missing: named too', () => {
  assert.match(tsNodeProblem(projectWith({ 'ts-node': '10.9.2', typescript: '5.1.6' })) ?? '', /TypeScript 5\.1\.6 is not supported/);
  assert.match(tsNodeProblem(projectWith({ typescript: '5.9.3' })) ?? '', /ts-node missing with TypeScript 5\.9\.3/);
  assert.is(tsNodeProblem(projectWith({ 'ts-node': '10.9.2', typescript: '5.2.2' })), null);
});

test.run();
