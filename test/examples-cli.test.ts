/**
 * Every example behaves like a command-line program (as argparse makes the Python originals):
 * `--help` prints the usage and exits 0; an unknown option prints the usage and exits 2,
 * with no stack trace. Iterates examples/, so examples added later are held to it too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleNames, removeRunDirectories, runExample } from './helpers/run-example-';

test.after.each(removeRunDirectories);

const names = exampleNames();

/** Runs `fn` over `items`, `limit` at a time (the machine has 2 cores; each run starts ts-node). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

test('examples/ holds the 13 examples of gstreamer-python', () => {
  const python = [
    'gst_capture', 'gst_capture_and_display', 'gst_capture_and_split_dvr', 'gst_display', 'gst_launch', 'gst_launch_many',
    'gst_launch_many_mt', 'pipeline_with_factory', 'pipeline_with_parse_launch', 'run_appsink', 'run_appsrc', 'run_rtsp', 'run_wrt_rank',
  ];
  const missing = python.filter((name) => !names.includes(name));
  assert.equal(missing, [], `missing: ${missing.join(', ')}`);
});

test('--help: usage on stdout, exit 0, for every example', async () => {
  await eachLimited(names, 3, async (name) => {
    const run = await runExample(name, ['--help'], { timeoutMs: 20_000 });
    assert.is(run.code, 0, `${name} --help: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^usage: .*examples/${name}\\.ts \\[-h\\]`), `${name} --help:\n${run.stdout}`);
    assert.match(run.stdout, /-h, --help/);
  });
});

test('an unknown option: usage and the error on stderr, exit 2, no stack trace, for every example', async () => {
  await eachLimited(names, 3, async (name) => {
    const run = await runExample(name, ['--no-such-option'], { timeoutMs: 20_000 });
    assert.is(run.code, 2, `${name} --no-such-option: exit ${run.code}\n${run.stderr}`);
    assert.match(run.stderr, /^usage: /, name);
    assert.match(run.stderr, /error: Unknown option '--no-such-option'/, name);
    assert.not.match(run.stderr, /\n\s+at /, `${name}: a stack trace\n${run.stderr}`);
    assert.is(run.stdout, '', name);
  });
});

test.run();
