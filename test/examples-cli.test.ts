/**
 * Every example behaves like a command-line program (as argparse makes the Python originals):
 * `--help` prints the usage and exits 0; an unknown option prints the usage and exits 2,
 * with no stack trace. Iterates examples/, so examples added later are held to it too.
 *
 * One child process checks them all (a ts-node start per example and option would cost a
 * minute on a loaded 2-core machine): it loads each example in turn with the option in
 * `process.argv`, and records what it writes and the code it passes to `process.exit`, which
 * stops the example there. One example is also run on its own, to check the real exit codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { exampleNames, removeRunDirectories, runExample } from './helpers/run-example';
import { ROOT, runScript } from './helpers/support';

test.after.each(removeRunDirectories);

const names = exampleNames();
const OPTIONS = ['--help', '--no-such-option'] as const;

interface Outcome {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

/** Loads every example with each option in one child; its outcome per `name option`. */
async function outcomes(): Promise<Record<string, Outcome>> {
  const files = names.map((name) => [name, path.join(ROOT, 'examples', `${name}.ts`)]);
  const driver = `
    const files = ${JSON.stringify(files)};
    const options = ${JSON.stringify(OPTIONS)};
    class Exit {}
    const real = { exit: process.exit, out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    const results = {};
    (async () => {
      for (const [name, file] of files) for (const option of options) {
        const r = { code: null, stdout: '', stderr: '' };
        process.argv = [process.argv[0], file, option];
        process.stdout.write = (c) => { if (r.code === null) r.stdout += c; return true; };
        process.stderr.write = (c) => { if (r.code === null) r.stderr += c; return true; };
        process.exit = (c) => { if (r.code === null) r.code = c ?? 0; throw new Exit(); };
        try {
          delete require.cache[file];
          require(file);
        } catch (e) {
          if (!(e instanceof Exit) && r.code === null) { r.code = 'threw'; r.stderr += String(e && e.stack); }
        }
        await new Promise((resolve) => setImmediate(resolve)); // let an async main's catch run while captured
        if (r.code === null) r.code = 'did not exit';
        process.exit = real.exit;
        process.stdout.write = real.out;
        process.stderr.write = real.err;
        process.exitCode = 0;
        results[name + ' ' + option] = r;
      }
      real.out(JSON.stringify(results) + '\\n', () => real.exit(0));
    })();
  `;
  const exit = await runScript(driver, { timeoutMs: 60_000, what: 'loading every example with --help and a bad option' });
  assert.is(exit.code, 0, exit.stderr);
  return JSON.parse(exit.stdout.trim().split('\n').pop() ?? '{}') as Record<string, Outcome>;
}

test('examples/ holds the 13 examples of gstreamer-python', () => {
  const python = [
    'gst_capture',
    'gst_capture_and_display',
    'gst_capture_and_split_dvr',
    'gst_display',
    'gst_launch',
    'gst_launch_many',
    'gst_launch_many_mt',
    'pipeline_with_factory',
    'pipeline_with_parse_launch',
    'run_appsink',
    'run_appsrc',
    'run_rtsp',
    'run_wrt_rank',
  ];
  const missing = python.filter((name) => !names.includes(name));
  assert.equal(missing, [], `missing: ${missing.join(', ')}`);
});

test('every example: --help prints the usage and exits 0; an unknown option prints it on stderr and exits 2, no stack trace', async () => {
  const results = await outcomes();
  for (const name of names) {
    const help = results[`${name} --help`];
    assert.ok(help, name);
    assert.is(help.code, 0, `${name} --help: ${JSON.stringify(help)}`);
    assert.match(help.stdout, new RegExp(`^usage: .*examples/${name}\\.ts \\[-h\\]`), `${name} --help:\n${help.stdout}`);
    assert.match(help.stdout, /-h, --help/);

    const bad = results[`${name} --no-such-option`];
    assert.is(bad.code, 2, `${name} --no-such-option: ${JSON.stringify(bad)}`);
    assert.match(bad.stderr, /^usage: /, name);
    assert.match(bad.stderr, /error: Unknown option '--no-such-option'/, name);
    assert.not.match(bad.stderr, /\n\s+at /, `${name}: a stack trace\n${bad.stderr}`);
    assert.is(bad.stdout, '', name);
  }
});

test('run on its own, an example really exits 0 for --help and 2 for an unknown option', async () => {
  const help = await runExample('gst_launch', ['--help']);
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /^usage: node scripts\/run\.js examples\/gst_launch\.ts \[-h\] \[-p PIPELINE\]/);
  const bad = await runExample('gst_launch', ['--bogus']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^usage: /);
  assert.not.match(bad.stderr, /\n\s+at /);
});

test.run();
