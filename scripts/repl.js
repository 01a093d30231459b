#!/usr/bin/env node
'use strict';
/**
 * `npm run repl`: a TypeScript prompt (ts-node's REPL) with gstreamer-ts loaded and Gst.init done:
 * Gst, GstApp, GstBase, GstVideo, GLib, GObject, gi, and everything src/index.ts exports
 * (GstPipeline, GstContext, GstVideoSource, GstVideoSink, the buffer and format helpers).
 *
 *   > new GstPipeline('videotestsrc num-buffers=10 ! fakesink')
 *   > const b: Gst.Buffer | null = Gst.Buffer.newAllocate(null, 16, null)
 *   > .type b
 *
 * Every input is type-checked against the session so far, and `.type <expression>` prints types.
 * `--transpile-only` starts faster (about a second less) and checks nothing; `.type` then says
 * so and the session goes on.
 *
 * What this file adds to ts-node's REPL, and why:
 *  - Node >= 24 lists builtins that exist only with the `node:` prefix (node:sea, node:test, ...);
 *    ts-node 10.9.2 declares each builtin as `declare import <name> = require(...)` in the
 *    session's source and so fails at start with "TS1005: '=' expected". It gets the list
 *    without those names, only while it writes those declarations.
 *  - Input that is not a terminal (a pipe, a file) is fed one line at a time, the next line only
 *    once the REPL shows its prompt again: a line after `const v = await p` sees `v` settled.
 *    Each line is echoed after its prompt, so the output reads as a transcript.
 *  - Type errors are printed where results are (stdout), in order with them.
 *  - `.type` never ends the session: what it cannot answer is printed instead.
 *  - Ctrl-C (or SIGINT from outside) while pipelines play stops them and ends `for await` loops
 *    over sources (interruptAll() of src/context.ts), and the session goes on; with nothing
 *    playing it is the REPL's own Ctrl-C (twice on an empty line ends the session).
 *  - Tab completion leaves out private, protected and @internal members (scripts/repl-complete.js).
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const readline = require('node:readline');
const { PassThrough } = require('node:stream');

const ROOT = path.resolve(__dirname, '..');
// ts-node 10.9 on TypeScript 7 dies in its own code: one line naming the versions instead
require('./toolchain').checkTsNode(ROOT);
const tsNode = require('ts-node');
const USAGE = 'usage: node scripts/repl.js [--transpile-only]';
let typecheck = true;
for (const arg of process.argv.slice(2)) {
  if (arg === '--transpile-only') typecheck = false;
  else if (arg === '--typecheck')
    typecheck = true; // the default; kept so that older command lines work
  else {
    console.error(`${USAGE}   (unknown argument: ${arg})`);
    process.exit(2);
  }
}

const piped = !process.stdin.isTTY;
const input = piped ? new PassThrough() : process.stdin;
const repl = tsNode.createRepl({ stdin: input, stdout: process.stdout, stderr: process.stdout });
const service = tsNode.register({
  ...repl.evalAwarePartialHost,
  project: path.join(ROOT, 'tsconfig.json'),
  transpileOnly: !typecheck,
  // tsconfig's caching transpiler works in transpile-only mode only; type checking compiles itself
  ...(typecheck ? { transpiler: false } : {}),
});
repl.setService(service);

// src/index.ts is the public face; src/gi (the namespaces alone) when it is not there
const entry = fs.existsSync(path.join(ROOT, 'src', 'index.ts')) ? path.join(ROOT, 'src', 'index') : path.join(ROOT, 'src', 'gi');
const api = require(entry);
const names = Object.keys(api).filter((name) => name !== '__esModule');

// the REPL evaluates in the global context: the names are globals
for (const name of names) global[name] = api[name];

const { Gst } = api;
const namespaces = ['Gst', 'GstApp', 'GstBase', 'GstVideo', 'GLib', 'GObject', 'gi'].filter((n) => names.includes(n));
const others = names.filter((n) => !namespaces.includes(n));
console.log(
  `gstreamer-ts REPL, ${Gst.versionString()}, TypeScript ${typecheck ? 'type-checked (.type <expr> prints a type)' : 'not type-checked (--transpile-only)'}: ` +
    `${namespaces.join(', ')} and ${others.length} exports of src/ in scope; try new GstPipeline('videotestsrc num-buffers=10 ! fakesink')`,
);

const allBuiltins = Module.builtinModules;
const declarableBuiltins = allBuiltins.filter((name) => !name.includes(':'));
function setBuiltins(list) {
  Object.defineProperty(Module, 'builtinModules', { value: list, writable: true, configurable: true });
}
/** Runs `fn` while Module.builtinModules holds only names ts-node can declare (no `node:` ones). */
function withDeclarableBuiltins(fn) {
  setBuiltins(declarableBuiltins);
  try {
    return fn();
  } finally {
    setBuiltins(allBuiltins);
  }
}

const server = withDeclarableBuiltins(() => repl.startInternal());
// `.clear` runs ts-node's reset (a 'reset' listener) again, which writes the declarations again
server.prependListener('reset', () => setBuiltins(declarableBuiltins));
server.on('reset', () => setBuiltins(allBuiltins));

const typeCommand = server.commands.type;
server.defineCommand('type', {
  help: typecheck
    ? 'Print the type of a TypeScript expression'
    : 'Print the type of an expression (off: this session runs with --transpile-only)',
  action(expression) {
    if (!typecheck) {
      this.outputStream.write('.type needs type information: this session runs with --transpile-only (start it without that flag)\n');
      this.displayPrompt();
      return;
    }
    try {
      typeCommand.action.call(this, expression);
    } catch (error) {
      this.outputStream.write(`.type ${expression}: ${error instanceof Error ? error.message : String(error)}\n`);
      this.displayPrompt();
    }
  },
});

if (typecheck) {
  // an import gives the names their types as well (the REPL's code is one module that grows)
  const from = path.relative(process.cwd(), entry).split(path.sep).join('/');
  repl.evalCode(`import { ${names.join(', ')} } from '${from.startsWith('.') ? from : `./${from}`}';\n`);
}

if (piped) feedLines(server);

stopOnInterrupt(server);
// Tab completion lists what users may call: not the private, protected or @internal members of src/'s classes
require('./repl-complete').completePublicMembers(server, path.join(ROOT, 'src'));

// GLib's loop runs inside Node's from src/gi: it would keep the process alive after the prompt closes
server.on('exit', () => process.exit(0));

/**
 * Feeds stdin to the REPL a line at a time: the next line goes in when the REPL shows a prompt
 * again (after a result, an error, a command, or the `...` of unfinished input), so an awaited
 * line has settled before the one after it runs. At the end of stdin the REPL's input ends.
 */
function feedLines(replServer) {
  const pending = [];
  let ended = false;
  let ready = false;
  const displayPrompt = replServer.displayPrompt.bind(replServer);
  replServer.displayPrompt = (...args) => {
    displayPrompt(...args);
    ready = true;
    setImmediate(next);
  };
  function next() {
    if (!ready) return;
    if (pending.length > 0) {
      ready = false;
      const line = pending.shift();
      replServer.outputStream.write(`${line}\n`);
      input.write(`${line}\n`);
    } else if (ended) {
      ready = false;
      input.end();
    }
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    pending.push(line);
    next();
  });
  lines.on('close', () => {
    ended = true;
    next();
  });
  // the prompt shown at start came before the wrapper: the REPL is ready for its first line
  ready = true;
}

/**
 * Ctrl-C stops what the session plays, not the session: with pipelines playing, it calls
 * interruptAll() (pipelines shut down, `for await` loops over sources end with an AbortError, whose
 * message ends the awaited input and brings the prompt back); otherwise the REPL's own handler runs.
 * A terminal's Ctrl-C reaches the REPL as its 'SIGINT' event; a process signal (a pipe's input, or
 * `kill -INT`) is routed there too.
 */
function stopOnInterrupt(replServer) {
  const { interruptAll, livePipelineCount } = require(path.join(ROOT, 'src', 'context'));
  const own = replServer.listeners('SIGINT');
  replServer.removeAllListeners('SIGINT');
  replServer.on('SIGINT', () => {
    const playing = livePipelineCount();
    if (playing === 0) {
      for (const handler of own) handler.call(replServer);
      return;
    }
    replServer.outputStream.write(`\n(Ctrl-C: stopping ${playing} pipeline${playing === 1 ? '' : 's'}; the session goes on)\n`);
    void interruptAll();
    // A terminal gets its prompt back now (an awaited loop prints its AbortError after); piped
    // input waits for the interrupted line to end, so that the next line runs after it.
    if (!piped) {
      replServer.clearBufferedCommand();
      replServer.displayPrompt();
    }
  });
  process.on('SIGINT', () => replServer.emit('SIGINT'));
}
