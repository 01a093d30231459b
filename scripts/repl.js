#!/usr/bin/env node
'use strict';
/**
 * `npm run repl`: a TypeScript prompt (ts-node's REPL) with gstreamer-ts loaded and Gst.init done:
 * Gst, GstApp, GstBase, GstVideo, GLib, GObject, gi, and everything src/index.ts exports
 * (GstPipeline, GstContext, GstVideoSource, GstVideoSink, the buffer and format helpers).
 *
 *   > new GstPipeline('videotestsrc num-buffers=10 ! fakesink')
 *   > const b: Gst.Buffer | null = Gst.Buffer.newAllocate(null, 16, null)
 *
 * Input is TypeScript, transpiled without type checking so that the prompt comes up at once
 * (checking against the 3 MB of typings costs a second or more: NOTES fact 15). With
 * `npm run repl -- --typecheck` every input is type-checked and `.type <expression>` prints types.
 */
const fs = require('node:fs');
const path = require('node:path');
const tsNode = require('ts-node');

const ROOT = path.resolve(__dirname, '..');
const typecheck = process.argv.slice(2).includes('--typecheck');
for (const arg of process.argv.slice(2)) {
  if (arg !== '--typecheck') {
    console.error(`usage: node scripts/repl.js [--typecheck]   (unknown argument: ${arg})`);
    process.exit(2);
  }
}

const repl = tsNode.createRepl();
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
// eslint-disable-next-line import/no-dynamic-require
const api = require(entry);
const names = Object.keys(api).filter((name) => name !== '__esModule');

// the REPL evaluates in the global context: the names are globals
for (const name of names) global[name] = api[name];

const { Gst } = api;
const namespaces = ['Gst', 'GstApp', 'GstBase', 'GstVideo', 'GLib', 'GObject', 'gi'].filter((n) => names.includes(n));
const others = names.filter((n) => !namespaces.includes(n));
console.log(
  `gstreamer-ts REPL, ${Gst.versionString()}, TypeScript ${typecheck ? 'type-checked' : 'not type-checked (--typecheck to check)'}: ` +
    `${namespaces.join(', ')} and ${others.length} exports of src/ in scope; try new GstPipeline('videotestsrc num-buffers=10 ! fakesink')`,
);

const server = repl.startInternal();
if (typecheck) {
  // an import gives the names their types as well (the REPL's code is one module that grows)
  const from = path.relative(process.cwd(), entry).split(path.sep).join('/');
  repl.evalCode(`import { ${names.join(', ')} } from '${from.startsWith('.') ? from : `./${from}`}';\n`);
}
// GLib's loop runs inside Node's from src/gi: it would keep the process alive after the prompt closes
server.on('exit', () => process.exit(0));
