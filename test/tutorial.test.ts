/**
 * docs/tutorial.md cannot rot: every ```ts block in it is a whole program, run where a reader
 * runs it: in the README's first project (test/helpers/consumer-project.ts: the packed tarball
 * installed into a fresh project), importing 'gstreamer-ts' as written. Each block type-checks
 * there (`npx tsc --noEmit`), and runs as step 1 says: `node step.ts` on a Node with `using`
 * (24+), else the README's ts-node recipe (`node --loader ts-node/esm step.ts`). It must exit 0
 * and print what its `console.log(...); // expected` comments say. A block right after
 * `<!-- not run: ... -->` is skipped (it needs an API still being built).
 *
 * docs/analytics.md the same way, in the same project after its install line (onnxruntime-node and
 * the OCR models): its `ts` blocks are files named by their `<!-- file: NAME -->` comments, the
 * ones no other block imports are programs, each run as above (a few frames, a small model).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ANALYTICS,
  ANALYTICS_BLOCKS,
  ANALYTICS_INSTALL,
  analyticsSteps,
  type Block,
  consumerProject,
  expectedOutput,
  installTsNode,
  npx,
  NODE_HAS_USING,
  run,
  TUTORIAL_BLOCKS,
  type ConsumerProject,
} from './helpers/consumer-project';

let project: ConsumerProject;
let analytics: { block: Block; file: string }[];

let setupError: unknown;
test.before(async () => {
  try {
    project = await consumerProject();
    analytics = await analyticsSteps(project.dir);
  } catch (error) {
    // uvu neither reports a failing hook nor fails the run for it: each test fails with it instead
    setupError = error;
  }
});
test.before.each(() => {
  if (setupError) throw setupError instanceof Error ? setupError : new Error(String(setupError));
});

test('the tutorial has its steps, and every block runs', () => {
  assert.ok(project.steps.length >= 8, `${project.steps.length} runnable blocks`);
  assert.is(TUTORIAL_BLOCKS.filter((b) => b.skipped).length, 0);
});

test('docs/analytics.md shows the install line the project ran; every block is a named file, its programs run', () => {
  assert.ok(ANALYTICS.includes(ANALYTICS_INSTALL), `docs/analytics.md shows \`${ANALYTICS_INSTALL}\``);
  for (const block of ANALYTICS_BLOCKS) {
    assert.ok(block.file, `docs/analytics.md block at line ${block.line} has a <!-- file: NAME --> comment`);
    assert.not.ok(block.skipped, `docs/analytics.md block at line ${block.line} runs`);
  }
  const names = ANALYTICS_BLOCKS.map((b) => b.file);
  assert.is(new Set(names).size, names.length, `one block per file: ${names.join(', ')}`);
  assert.equal(
    analytics.map((s) => s.file),
    ['tensor.ts', 'loop.ts', 'element.ts'],
  );
});

test("every block (the tutorial's, docs/analytics.md's) type-checks in the project (npx tsc --noEmit)", async () => {
  const ran = await npx(project.dir, 'tsc', ['--noEmit'], 180_000);
  const output = `${ran.stdout}${ran.stderr}`;
  assert.is(ran.code, 0, `docs/tutorial.md blocks (step-N.ts) or docs/analytics.md's do not type-check:\n${output}`);
});

test('every block runs to exit 0 and prints what it says', async () => {
  // Node 24+ runs `await using` itself; Node 22 and older through the README's ts-node recipe
  const args = NODE_HAS_USING ? [] : ['--loader', 'ts-node/esm'];
  if (!NODE_HAS_USING) await installTsNode(project.dir);
  const queue = [
    ...project.steps.map((step) => ({ ...step, page: 'docs/tutorial.md' })),
    ...analytics.map((step) => ({ ...step, page: 'docs/analytics.md' })),
  ];
  const runOne = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { block, file, page } = item;
      const where = `${page} block at line ${block.line} (${file})`;
      const exit = await run(process.execPath, [...args, file], project.dir, 60_000, { TS_NODE_TRANSPILE_ONLY: 'true' });
      assert.is(exit.code, 0, `${where}: exit ${exit.code}\n${exit.stdout}\n${exit.stderr}`);
      assert.ok(exit.stdout.trim() !== '', `${where} printed nothing`);
      for (const part of expectedOutput(block.code))
        assert.ok(exit.stdout.includes(part), `${where}: expected "${part}" in:\n${exit.stdout}`);
    }
  };
  await Promise.all([runOne(), runOne()]);
});

test.run();
