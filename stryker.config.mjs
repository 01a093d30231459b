// StrykerJS over src/, one module at a time, each with the uvu suites that exercise it.
// Run through `npm run test:mutation` (scripts/mutation.mjs), which picks the module with
// MUTATE_MODULE and prints a table of scores at the end. Not part of `npm test` (too slow).
import { MODULES, mutateOf, reportNameOf } from './scripts/mutation-modules.mjs';

const module = process.env.MUTATE_MODULE ?? 'src/buffer.ts';
const suites = MODULES[module];
if (!suites) throw new Error(`MUTATE_MODULE=${module}: not one of ${Object.keys(MODULES).join(', ')}`);
const name = reportNameOf(module);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  // -b: stop at the first failing test, so a killed mutant costs little.
  // (node on uvu's bin, not npx: npx costs ~0.3 s a mutant)
  commandRunner: { command: `node node_modules/uvu/bin.js -r ts-node/register test "^(${suites.join('|')})\\.test\\.ts$" --bail` },
  mutate: mutateOf(module),
  coverageAnalysis: 'off',
  // Shared 2-core machine: two mutants at a time; a mutant that makes the suites hang is a timeout after
  // its suites' normal time times 1.25 plus 10 s.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  timeoutFactor: 1.25,
  reporters: ['json', 'clear-text', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'reports', '*.webm', '.stryker-tmp'],
};
