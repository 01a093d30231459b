/**
 * The native layer's own guarantees (src/native/, src/native.ts): node-gtk's private wrapper
 * layout is checked with clear errors (docs/node-gtk.md, 'Wrapper layout'), the addon knows the
 * Node.js it was built for, and each Node.js environment gets its own instance, torn down cleanly.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst } from '../src/gi';
import { native } from '../src/native';
import { runScript, SRC } from './helpers/support';

const buffer = Gst.Buffer.newAllocate(null, 7, null)!;
const caps = Gst.Caps.fromString('video/x-raw, width=(int)7')!;
const element = Gst.ElementFactory.make('identity', 'layout-probe')!;
const check = (version: string, b: unknown, size: number, c: unknown, e: unknown, name: string): void =>
  native.checkNodeGtk(version, b as Gst.Buffer, size, c as Gst.Caps, caps.toString(), e as Gst.Element, name);

test('the layout check passes on what node-gtk 4.1.1 makes', () => {
  check('4.1.1', buffer, 7, caps, element, 'layout-probe');
});

test('a node-gtk version outside the checked range is a clear error', () => {
  for (const version of ['5.0.0', '4.1.0', '3.14.0', 'not a version']) {
    assert.throws(
      () => check(version, buffer, 7, caps, element, 'layout-probe'),
      (e: Error) => e.message.includes(`found node-gtk ${version}`) && e.message.includes('>=4.1.1 <5.0.0'),
    );
  }
});

test('a wrapper that is not what the layout says is an error naming what was expected and found', () => {
  const cases: Array<[unknown, unknown, unknown, number, string]> = [
    [element, caps, element, 7, 'expected a Gst.Buffer wrapper with 2 internal fields, found an object with 1 internal field'],
    [caps, caps, element, 7, 'expected a GstBuffer in internal field 0 of a Gst.Buffer, found a mini object of GType GstCaps'],
    [{}, caps, element, 7, 'found an object with 0 internal field'],
    [buffer, caps, element, 8, 'internal field 0 of a Gst.Buffer of 8 bytes holds a GstBuffer of 7 bytes'],
    [buffer, buffer, element, 7, 'expected a GstCaps in internal field 0 of a Gst.Caps'],
    [buffer, caps, buffer, 7, 'expected a Gst.Element wrapper with 1 internal field, found an object with 2'],
  ];
  for (const [b, c, e, size, expected] of cases) {
    assert.throws(
      () => check('4.1.1', b, size, c, e, 'layout-probe'),
      (err: Error) => err.message.includes(expected),
      expected,
    );
  }
  assert.throws(() => check('4.1.1', buffer, 7, caps, element, 'other'), /holds element 'layout-probe'/);
});

test('unwraps throw a TypeError for the wrong kind of object', () => {
  assert.throws(
    () => native.copyBuffer(caps as unknown as Gst.Buffer),
    (e: Error) => e instanceof TypeError && e.message === 'expected a Gst.Buffer',
  );
  assert.throws(
    () => native.videoLayout(buffer as unknown as Gst.Caps),
    (e: Error) => e instanceof TypeError && e.message === 'expected a Gst.Caps',
  );
  assert.throws(
    () => native.mapMemory(buffer as unknown as Gst.Memory, { write: false }),
    (e: Error) => e instanceof TypeError && e.message === 'expected a Gst.Memory',
  );
  assert.throws(
    () => native.setStateAsync(buffer as unknown as Gst.Element, Gst.State.NULL),
    (e: Error) => e instanceof TypeError && e.message === 'expected a Gst.Element',
  );
});

test('the addon says which Node.js it was built for: this one', () => {
  assert.is(String(native.builtFor.modules), process.versions.modules);
  assert.is(native.builtFor.node, process.versions.node);
});

test('each worker thread gets its own addon instance, and its teardown closes its libuv handles', async () => {
  const file = path.join(__dirname, '..', 'build', 'Release', 'gstreamer_ts.node');
  // A handle left open would abort the process when the worker's loop closes.
  const code = `const a = require(${JSON.stringify(file)}); a.startGLib(); a.quietGLibCriticals(true);
    require('node:worker_threads').parentPort.postMessage(typeof a.copyBuffer);`;
  const exits = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<[unknown, number]>((resolve, reject) => {
          const worker = new Worker(code, { eval: true });
          let message: unknown;
          worker.on('message', (m: unknown) => (message = m));
          worker.on('error', reject);
          worker.on('exit', (exitCode) => resolve([message, exitCode]));
        }),
    ),
  );
  assert.equal(exits, [
    ['function', 0],
    ['function', 0],
  ]);
});

test("a worker's own addon instance leaves the main thread's elements alone: a shutdown that drops a held frame ends", async () => {
  // A worker loading the addon once made the main thread take itself for a streaming thread: the
  // shutdown below waited in the element's flush for the JS thread, that is for itself, forever.
  const file = path.join(__dirname, '..', 'build', 'Release', 'gstreamer_ts.node');
  const run = await runScript(
    `const { Worker } = require('node:worker_threads');
    const { GstPipeline, GstVideoAnalyzer, registerElement } = require(${JSON.stringify(SRC)});
    let held;
    class Never extends GstVideoAnalyzer {
      static elementName = 'test_worker_never';
      static formats = ['GRAY8'];
      analyzeFrame() { held(); return new Promise(() => {}); }
    }
    registerElement(Never);
    (async () => {
      const worker = new Worker(${JSON.stringify(`const a = require(${JSON.stringify(file)}); a.startGLib(); a.quietGLibCriticals(true);`)}, { eval: true });
      await new Promise((resolve) => worker.on('exit', resolve));
      const first = new Promise((resolve) => (held = resolve));
      const pipeline = new GstPipeline('videotestsrc ! video/x-raw,format=GRAY8,width=8,height=8 ! test_worker_never name=never ! fakesink').startup();
      await first;
      await pipeline.shutdown(30);
      console.log(pipeline.error.message);
    })();`,
    { timeoutMs: 30_000, what: 'a shutdown after a worker loaded the addon' },
  );
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /^never: frame function did not settle within 30 ms$/m);
});

test.run();
