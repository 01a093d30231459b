#!/usr/bin/env node
// `npm run test:mutation [-- src/buffer.ts ...]`: StrykerJS over each module of src/ in turn (all of
// scripts/mutation-modules.mjs when none is named), then one table of scores, and every surviving
// mutant with its place. `--report-only` prints the table from the JSON reports of earlier runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULES, reportNameOf } from './mutation-modules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const named = args.filter((a) => !a.startsWith('--'));
for (const module of named) if (!MODULES[module]) throw new Error(`${module}: not one of ${Object.keys(MODULES).join(', ')}`);
const modules = named.length > 0 ? named : Object.keys(MODULES);
const reportOf = (module) => path.join(root, 'reports', 'mutation', `${reportNameOf(module)}.json`);

if (!reportOnly)
  for (const module of modules) {
    console.log(`\n=== ${module}: suites ${MODULES[module].join(', ')}`);
    const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MUTATE_MODULE: module },
    });
    if (run.status !== 0) console.error(`stryker failed on ${module} (exit ${run.status})`);
  }

const rows = [];
const survivors = [];
for (const module of modules) {
  const file = reportOf(module);
  if (!fs.existsSync(file)) {
    rows.push({ module, missing: true });
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 };
  for (const [name, { mutants, source }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const mutant of mutants) {
      count[mutant.status] = (count[mutant.status] ?? 0) + 1;
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        const { line, column } = mutant.location.start;
        survivors.push(
          `${name}:${line}:${column} ${mutant.mutatorName}: ${lines[line - 1].trim().slice(0, 90)}  ->  ${String(mutant.replacement ?? '')
            .replace(/\s+/g, ' ')
            .slice(0, 60)}`,
        );
      }
    }
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  rows.push({ module, ...count, score: valid ? (100 * detected) / valid : NaN });
}

const header = ['module', 'killed', 'timeout', 'survived', 'no cov', 'errors', 'score'];
const table = rows.map((r) =>
  r.missing
    ? [r.module, '-', '-', '-', '-', '-', 'no report']
    : [r.module, r.Killed, r.Timeout, r.Survived, r.NoCoverage, r.CompileError + r.RuntimeError, `${r.score.toFixed(1)}%`].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(`\nMutation score per module (killed + timeout over killed + timeout + survived + no coverage)\n`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`);
for (const row of table) console.log(line(row));
if (survivors.length > 0) {
  console.log(`\nSurviving mutants (${survivors.length}):`);
  for (const s of survivors) console.log(`  ${s}`);
}
