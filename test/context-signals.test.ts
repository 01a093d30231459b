/**
 * src/context.ts in a child process: with several contexts open (and one closed), one Ctrl-C is
 * handled once: the live pipeline ends cleanly, exit code 130, every context closed; once closed,
 * a new context handles the next signal (SIGTERM: 143) cleanly again instead of exiting at once.
 * And the process stays alive for a pipeline started after another one ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScript, SRC } from './helpers/support';

const LIVE = 'videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1 ! fakesink';

test('Ctrl-C with two contexts open (a third closed): one clean shutdown, 130, contexts closed; then a new context shuts down cleanly on SIGTERM', async () => {
  const script = `
    const { Gst, GstContext, GstPipeline } = require(${JSON.stringify(SRC)});
    const keep = setInterval(() => undefined, 60_000);
    function start(phase) {
      const pipeline = new GstPipeline(${JSON.stringify(LIVE)}).startup();
      pipeline.bus.connect('message::state-changed', (message) => {
        if (message.src === pipeline.pipeline && message.parseStateChanged()[1] === Gst.State.PLAYING) console.log('playing ' + phase);
      });
      return pipeline.done;
    }
    const a = new GstContext();
    a.startup(); // open already: no second handler
    const b = new GstContext();
    const closed = new GstContext();
    closed.shutdown().then(() => start(1)).then(() => setImmediate(() => {
      console.log('done 1: exit code ' + process.exitCode + ', contexts active: ' + a.isActive + ' ' + b.isActive);
      const again = new GstContext();
      start(2).then(() => setImmediate(() => {
        console.log('done 2: exit code ' + process.exitCode + ', context active: ' + again.isActive);
        clearInterval(keep);
      }));
    }));
  `;
  const sent: string[] = [];
  const exit = await runScript(script, {
    timeoutMs: 20_000,
    what: 'SIGINT, then SIGTERM, in a child',
    onStdout: (stdout, child) => {
      if (sent.length === 0 && /^playing 1$/m.test(stdout)) {
        sent.push('SIGINT');
        child.kill('SIGINT');
      }
      if (sent.length === 1 && /^playing 2$/m.test(stdout)) {
        sent.push('SIGTERM');
        child.kill('SIGTERM');
      }
    },
  });
  assert.equal(sent, ['SIGINT', 'SIGTERM'], `${exit.stdout}\n${exit.stderr}`);
  assert.match(exit.stdout, /^done 1: exit code 130, contexts active: false false$/m, exit.stdout);
  assert.match(exit.stdout, /^done 2: exit code 143, context active: false$/m, exit.stdout);
  assert.is(exit.signal, null);
  assert.is(exit.code, 143, exit.stderr);
});

test('a pipeline that ends while another still plays leaves the process alive until that one is done', async () => {
  const script = `
    const { GstPipeline, GstVideoSource } = require(${JSON.stringify(SRC)});
    const source = new GstVideoSource('videotestsrc is-live=true num-buffers=6 ! video/x-raw,format=GRAY8,width=16,height=8,framerate=20/1 ! appsink').startup();
    new GstPipeline('videotestsrc num-buffers=2 ! video/x-raw,width=16,height=8 ! fakesink sync=false').startup().done.then(() => console.log('short one done'));
    (async () => {
      let frames = 0;
      for await (const _frame of source) frames++;
      console.log('live one done: ' + frames + ' frames');
    })();
  `;
  const exit = await runScript(script, { timeoutMs: 20_000, what: 'two pipelines at once in a child' });
  assert.is(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /^short one done\nlive one done: 6 frames$/m, exit.stdout);
});

test.run();
