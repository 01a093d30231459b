/**
 * `npm run repl` (scripts/repl.js), driven as a user would through a pipe: lines in, a transcript
 * out (each line echoed after its prompt, then what it printed). Each assertion reads the output
 * of one given input line. Each session has a deadline: a REPL that hangs fails the test.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst } from '../src/gi';
import { ROOT } from './helpers/support';

interface Session {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the hint line, then one entry per input line, in order */
  hint: string;
  entries: { input: string; output: string[] }[];
  /** ms from spawn to the hint line */
  startup: number;
}

/** Splits a transcript at its prompts ('> ', or for unfinished input '... ' (Node < 24) or '| ', then the echoed line). */
function transcript(stdout: string): Pick<Session, 'hint' | 'entries'> {
  const [hint = '', ...rest] = stdout.split('\n');
  const entries: Session['entries'] = [];
  for (const line of rest) {
    const prompt = /^(?:> |\.\.\. |\| )(.*)$/.exec(line);
    if (prompt) entries.push({ input: prompt[1] ?? '', output: [] });
    else if (entries.length > 0 && line.trim() !== '') entries[entries.length - 1]?.output.push(line);
  }
  return { hint, entries };
}

function session(lines: string[], args: string[] = [], deadline = 60_000): Promise<Session> {
  const history = fs.mkdtempSync(path.join(os.tmpdir(), 'gstreamer-ts-repl-'));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let startup = -1;
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'repl.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_HISTORY: path.join(history, 'history') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (startup < 0 && stdout.includes('\n')) startup = Date.now() - started;
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the REPL did not finish within ${deadline} ms; output so far:\n${stdout}\n${stderr}`));
    }, deadline);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.rmSync(history, { recursive: true, force: true });
      resolve({ code, stdout, stderr, startup, ...transcript(stdout) });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/** The output of input line `index` (asserting that the transcript echoes the inputs in order). */
function outputOf(s: Session, lines: string[], index: number): string {
  assert.equal(
    s.entries.map((e) => e.input),
    [...lines, ''],
    `one prompt per input line, in order, then the last prompt (stdout:\n${s.stdout}\nstderr:\n${s.stderr})`,
  );
  return (s.entries[index]?.output ?? []).join('\n');
}

test('npm run repl: typed by default; names in scope; await settles before the next line; .type; type errors do not end it', async () => {
  const lines = [
    /* 0 */ 'Gst.versionString()',
    /* 1 */ 'typeof GstPipeline',
    /* 2 */ "const pipeline = new GstPipeline('videotestsrc num-buffers=10 ! fakesink')",
    /* 3 */ 'pipeline.constructor.name',
    /* 4 */ 'const frames: number = 10 * 2',
    /* 5 */ 'frames',
    /* 6 */ 'typeof Gst.Buffer.newAllocate(null, 16, null)?.pts',
    /* 7 */ '[typeof GstApp.AppSink, typeof GstVideo.VideoInfo, typeof GLib.MainLoop, typeof GObject.Object, typeof GstBase.BaseSink]',
    /* 8 */ "const source = new GstVideoSource('videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=8,height=4 ! appsink sync=false').startup()",
    /* 9 */ 'const frame = await source.pop(10_000)',
    /* 10 */ 'frame?.shape',
    /* 11 */ '.type frame',
    /* 12 */ 'const seconds: number = Gst.SECOND',
    /* 13 */ 'Gst.SECOND * 2',
    /* 14 */ '.type Gst.SECOND',
    /* 15 */ 'Gst.SECOND * 3n',
    /* 16 */ 'function twice(n: number) {',
    /* 17 */ '  return n * 2',
    /* 18 */ '}',
    /* 19 */ 'twice(21)',
    /* 20 */ '.type Gst',
    /* 21 */ "const src = makeElement('videotestsrc')",
    /* 22 */ '.type src.pattern',
    /* 23 */ "setProps(src, { pattern: 'ball' }); getProp(src, 'pattern')",
  ];
  const s = await session(lines);
  assert.is(s.code, 0, `exit code (stderr: ${s.stderr})`);
  assert.match(s.hint, /^gstreamer-ts REPL, GStreamer \d+\.\d+/, 'a one-line hint first');
  assert.ok(s.hint.includes(Gst.versionString()), `the hint names ${Gst.versionString()}`);
  assert.match(s.hint, /type-checked/, 'the hint says inputs are type-checked');
  assert.is(outputOf(s, lines, 0), `'${Gst.versionString()}'`, 'Gst.versionString()');
  assert.is(outputOf(s, lines, 1), "'function'", 'typeof GstPipeline');
  assert.is(outputOf(s, lines, 2), 'undefined', 'a declaration');
  assert.is(outputOf(s, lines, 3), "'GstPipeline'", 'a pipeline from a description');
  assert.is(outputOf(s, lines, 5), '20', 'type annotations are accepted');
  assert.is(outputOf(s, lines, 6), "'bigint'", 'buffer.pts is a bigint');
  assert.is(outputOf(s, lines, 7), "[ 'function', 'function', 'function', 'function', 'function' ]", 'the namespaces');
  assert.is(outputOf(s, lines, 9), 'undefined', 'the awaited declaration');
  assert.is(outputOf(s, lines, 10), '[ 4, 8, 3 ]', 'the line after the await sees the frame');
  assert.match(outputOf(s, lines, 11), /^const frame: VideoFrame(<.*>)? \| null$/, ".type prints the awaited value's type");
  assert.match(outputOf(s, lines, 12), /TS2322: Type 'bigint' is not assignable to type 'number'/, 'a type error is reported');
  assert.match(
    outputOf(s, lines, 13),
    /TS2365: Operator '\*' cannot be applied to types 'bigint' and 'number'/,
    'bigint * number is a type error',
  );
  assert.is(outputOf(s, lines, 14).split('\n')[0], 'const SECOND: bigint', '.type on a namespace member: its type (then its doc comment)');
  assert.is(outputOf(s, lines, 15), '3000000000n', 'evaluation goes on after type errors');
  assert.is(outputOf(s, lines, 18), 'undefined', 'input over several lines');
  assert.is(outputOf(s, lines, 19), '42', 'the function from several lines');
  assert.is(outputOf(s, lines, 20), 'import Gst', '.type on a namespace');
  const patternType = outputOf(s, lines, 22);
  assert.match(patternType, /^\(property\) VideotestsrcElement\.pattern: number/, '.type of an element property: typed by the factory');
  assert.ok(
    patternType.includes('Type of test pattern to generate') && patternType.includes('18 ball'),
    `.type shows the blurb and the nicks: ${patternType}`,
  );
  assert.is(outputOf(s, lines, 23), "'ball'", 'setProps and getProp by nick');
  console.log(`repl: hint after ${s.startup} ms (type-checked)`);
});

test('npm run repl -- --transpile-only: nothing checked, .type says why it cannot answer and the session goes on', async () => {
  const lines = ['.type Gst', 'Gst.SECOND * 2', '1 + 1'];
  const s = await session(lines, ['--transpile-only']);
  assert.is(s.code, 0, `exit code (stderr: ${s.stderr})`);
  assert.match(s.hint, /not type-checked \(--transpile-only\)/, 'the hint says so');
  assert.is(outputOf(s, lines, 0), '.type needs type information: this session runs with --transpile-only (start it without that flag)');
  assert.match(outputOf(s, lines, 1), /Cannot mix BigInt and other types/, 'Gst.SECOND * 2 fails as at run time');
  assert.is(outputOf(s, lines, 2), '2', 'the session goes on');
  console.log(`repl: hint after ${s.startup} ms (--transpile-only)`);
});

test('an unknown argument is refused', async () => {
  const s = await session([], ['--nope']);
  assert.is(s.code, 2);
  assert.match(s.stderr, /usage: node scripts\/repl\.js \[--transpile-only\]/);
});

test.run();
