/**
 * docs/tutorial.md cannot rot: every ```ts block in it is a whole program, type-checked (tsc,
 * the repository's tsconfig) and run (ts-node); it must exit 0 and print what its
 * `console.log(...); // expected` comments say. A block right after `<!-- not run: ... -->`
 * is skipped (it needs an API still being built).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runNode, within } from './helpers/support-';

interface Block {
  /** 1-based line of the opening fence */
  line: number;
  code: string;
  skipped: boolean;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    const before = lines.slice(0, start).reverse().find((l) => l.trim() !== '') ?? '';
    blocks.push({ line: start + 1, code: body.join('\n') + '\n', skipped: /^<!--\s*not run/.test(before.trim()) });
  }
  return blocks;
}

/** What a block says it prints: the parts of each `console.log(...); // comment` around '...'. */
function expectedOutput(code: string): string[] {
  const parts: string[] = [];
  for (const line of code.split('\n')) {
    const match = /console\.log\(.*\/\/ (.+)$/.exec(line);
    if (match) for (const part of match[1].split('...')) if (part.trim()) parts.push(part.trim());
  }
  return parts;
}

const blocks = tsBlocks(fs.readFileSync(path.join(ROOT, 'docs', 'tutorial.md'), 'utf8'));
const dir = path.join(ROOT, `.tutorial-test-${process.pid}`);
const files: { block: Block; file: string }[] = [];

test.before(() => {
  fs.mkdirSync(dir, { recursive: true });
  blocks.forEach((block, i) => {
    if (block.skipped) return;
    const file = path.join(dir, `step-${i + 1}.ts`);
    // the package name, as a reader writes it, is this repository's src/
    fs.writeFileSync(file, block.code.replace(/from 'gstreamer-ts'/g, "from '../src'"));
    files.push({ block, file });
  });
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts', '../typings/*.d.ts'] }));
});

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the tutorial has its steps, and every block runs', () => {
  assert.ok(files.length >= 8, `${files.length} runnable blocks`);
  assert.is(blocks.filter((b) => b.skipped).length, 0);
});

test('every block type-checks against the repository (tsc --noEmit)', async () => {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const output = await within(
    new Promise<string>((resolve) => {
      execFile(process.execPath, [tsc, '--noEmit', '-p', path.join(dir, 'tsconfig.json')], { cwd: ROOT }, (error, stdout, stderr) =>
        resolve(error ? `${stdout}${stderr}` || String(error) : ''),
      );
    }),
    60_000,
    'tsc on the tutorial',
  );
  assert.is(output, '', `docs/tutorial.md blocks do not type-check:\n${output.replaceAll(dir, 'docs/tutorial.md blocks')}`);
});

test('every block runs to exit 0 and prints what it says', async () => {
  const queue = [...files];
  const runOne = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { block, file } = item;
      const where = `docs/tutorial.md block at line ${block.line}`;
      const exit = await runNode(['-r', 'ts-node/register', file], { timeoutMs: 30_000, what: where });
      assert.is(exit.code, 0, `${where}: exit ${exit.code}\n${exit.stdout}\n${exit.stderr}`);
      assert.ok(exit.stdout.trim() !== '', `${where} printed nothing`);
      for (const part of expectedOutput(block.code)) assert.ok(exit.stdout.includes(part), `${where}: expected "${part}" in:\n${exit.stdout}`);
    }
  };
  await Promise.all([runOne(), runOne()]);
});

test.run();
