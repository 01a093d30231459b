/**
 * Tab completion in `npm run repl` (scripts/repl-complete.js, installed by scripts/repl.js) lists
 * the public members of the library's objects, not their private, protected or @internal ones.
 * Driven on a Node REPL server in this process, with Node's own completer underneath.
 */
import * as path from 'node:path';
import * as repl from 'node:repl';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GstVideoSource } from '../src';
import { ROOT } from './helpers/support';

const { completePublicMembers } = require('../scripts/repl-complete.js') as {
  completePublicMembers(server: repl.REPLServer, srcDir: string): void;
};

/** What Tab offers for `line`: REPLServer.complete, which runs its completer (Node has it; @types/node does not declare it). */
function completions(server: repl.REPLServer, line: string): Promise<string[]> {
  const complete = (
    server as unknown as { complete(line: string, callback: (error: Error | null, result: [string[], string]) => void): void }
  ).complete;
  return new Promise((resolve, reject) =>
    complete.call(server, line, (error, result) => (error ? reject(error) : resolve(result[0].filter(Boolean)))),
  );
}

test('completion on a source lists its public members only', async () => {
  const server = repl.start({ input: new PassThrough(), output: new PassThrough(), terminal: false, prompt: '' });
  try {
    server.context.source = new GstVideoSource('videotestsrc ! video/x-raw,format=RGB ! appsink');
    const raw = await completions(server, 'source.');
    assert.ok(raw.includes('source.guard') && raw.includes('source.onLoan'), 'Node alone lists private members');
    completePublicMembers(server, path.join(ROOT, 'src'));
    const listed = await completions(server, 'source.');
    for (const name of ['startup', 'pop', 'shutdown', 'done', 'isActive', 'isDone', 'appsink', 'queueSize', 'getByName'])
      assert.ok(listed.includes(`source.${name}`), `public ${name} is listed: ${listed.join(' ')}`);
    for (const name of ['guard', 'fail', 'engine', 'onLoan', 'queue', 'stopNow', 'onPipelineInit', 'frameOf', 'finished'])
      assert.not.ok(listed.includes(`source.${name}`), `${name} (private, protected or @internal) is not listed`);
    assert.equal(await completions(server, 'source.sta'), ['source.startup'], 'a prefix completes to the public member only');
    // objects that are not the library's keep Node's completion
    server.context.plain = { guard: 1 };
    assert.ok((await completions(server, 'plain.')).includes('plain.guard'));
  } finally {
    server.close();
  }
});

test.run();
