/**
 * A script's own GLib main loop next to the library (docs/node-gtk.md, "Main loops"): the earlier
 * lesson's pattern (Gst.parseLaunch, a bus watch, GLib.MainLoop run and quit on EOS) as a user
 * writes it, importing the library, in a child process that must exit 0 with nothing on stderr;
 * and the library still works once that loop has returned.
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runNode, type Exit } from './helpers/support';

const CHILD = path.join(ROOT, 'test', 'helpers', 'main-loop-child.ts');

function run(mode: string): Promise<Exit> {
  return runNode(['-r', 'ts-node/register/transpile-only', CHILD, mode], { timeoutMs: 60_000, what: `main-loop-child- ${mode}` });
}

function report(exit: Exit): string {
  return `exit ${exit.code} (signal ${exit.signal})\n--- stdout\n${exit.stdout.slice(-2000)}\n--- stderr\n${exit.stderr.slice(-3000)}`;
}

test("the lesson's GLib.MainLoop, then the script ends: exit 0, nothing on stderr", async () => {
  const exit = await run('lesson');
  assert.is(exit.code, 0, report(exit));
  assert.is(exit.stderr, '', report(exit));
  assert.equal(exit.stdout.trim().split('\n'), ['End of stream', 'messages: true']);
});

test('bus.addWatch loop, blocking timedPopFiltered, the loop again, then the library: all run, exit 0', async () => {
  const exit = await run('all');
  assert.is(exit.code, 0, report(exit));
  assert.is(exit.stderr, '', report(exit));
  assert.equal(exit.stdout.trim().split('\n'), [
    'End of stream',
    'messages: true',
    'End of stream',
    'messages: true',
    'End of stream',
    'End of stream',
    'messages: true',
    'library after the loop: pipeline done',
    'library after the loop: GLib timeout',
  ]);
});

test.run();
