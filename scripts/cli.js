#!/usr/bin/env node
'use strict';
/**
 * `npx gstreamer-ts <command>` in a project that installed the package (package.json "bin").
 *
 *   npx gstreamer-ts typings   element typings for the plugins installed on this machine: rewrites
 *                              the package's typings/elements.d.ts (what makeElement, getByName
 *                              and setProps read) from this machine's GStreamer registry, so that
 *                              plugins beyond the shipped set (x264enc, a vendor's elements) are
 *                              typed too (docs/typings.md, "Element typings"). `npm install` puts
 *                              the shipped set back: run it again after one.
 */
const path = require('node:path');

const USAGE = 'usage: npx gstreamer-ts typings';
const [command, ...rest] = process.argv.slice(2);
if (command === 'typings' && rest.length === 0) {
  const typings = path.resolve(__dirname, '..', 'typings');
  require('./element-typings.js').main(['--outdir', typings]);
} else {
  console.error(USAGE);
  process.exit(command === undefined || command === '--help' ? 0 : 2);
}
