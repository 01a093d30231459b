#!/usr/bin/env node
'use strict';
/**
 * Puts the typings for this machine's GStreamer in typings/*.d.ts, where src/gi.d.ts and the
 * package's declarations read them (docs/typings.md). The typelibs differ between GStreamer
 * versions (1.26 has members 1.22 lacks), so the typings are committed as one set per version,
 * typings/gst-<major>.<minor>/, each made by `npm run typings -- --set` on that system.
 *
 * The set for the running GStreamer's minor version is copied; for a version without a set, the
 * nearest older set, with a one-line note (`npm run typings` then makes typings for exactly this
 * machine, and this script keeps those until GStreamer changes). typings/.selected records what
 * typings/*.d.ts hold. Run by `npm install` (postinstall, in this checkout and in a project that
 * installs the package) and by scripts/setup.sh.
 *
 * Usage: node scripts/typings-select.js [--quiet]   (--quiet: print only notes, not the choice)
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TYPINGS = path.resolve(__dirname, '..', 'typings');
/** What typings/*.d.ts hold: `{ set: 'gst-1.22', gstreamer: '1.22.0' }` or `{ generated: true, gstreamer: '1.24.2' }`. */
const MARKER = path.join(TYPINGS, '.selected');
const SET = /^gst-(\d+)\.(\d+)$/;

/** The GStreamer on this machine, as 'major.minor.micro' (pkg-config, else gst-inspect-1.0), or null. */
function gstVersion() {
  const tries = [
    ['pkg-config', ['--modversion', 'gstreamer-1.0'], /^(\d+\.\d+\.\d+)/],
    ['gst-inspect-1.0', ['--version'], /GStreamer (\d+\.\d+\.\d+)/],
  ];
  for (const [command, args, pattern] of tries) {
    try {
      const match = pattern.exec(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      if (match) return match[1];
    } catch {
      // not installed: the next way
    }
  }
  return null;
}

/** The committed sets, oldest first: [{ name: 'gst-1.22', major: 1, minor: 22 }, ...]. */
function sets(dir = TYPINGS) {
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, match: SET.exec(name) }))
    .filter(({ name, match }) => match && fs.statSync(path.join(dir, name)).isDirectory())
    .map(({ name, match }) => ({ name, major: Number(match[1]), minor: Number(match[2]) }))
    .sort((a, b) => a.major - b.major || a.minor - b.minor);
}

/**
 * The set for `version` ('1.24.2'): the same major.minor, else the nearest older, else (older than
 * every set, or unknown) the oldest. `exact` tells whether it describes this version.
 */
function choose(available, version) {
  if (available.length === 0) throw new Error(`no typings sets (typings/gst-<major>.<minor>/) in ${TYPINGS}`);
  const parts = version ? version.split('.').map(Number) : null;
  if (!parts) return { set: available[0], exact: false };
  const [major, minor] = parts;
  const exact = available.find((s) => s.major === major && s.minor === minor);
  if (exact) return { set: exact, exact: true };
  const older = available.filter((s) => s.major < major || (s.major === major && s.minor < minor));
  return { set: older.length ? older[older.length - 1] : available[0], exact: false };
}

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return null;
  }
}

/** Writes typings/.selected. */
function mark(content) {
  fs.writeFileSync(MARKER, `${JSON.stringify(content)}\n`);
}

const minorOf = (version) => (version ? version.split('.').slice(0, 2).join('.') : null);

function select({ quiet }) {
  const version = gstVersion();
  const marker = readMarker();
  // Typings `npm run typings` made on this machine, for this GStreamer: they are the truth here.
  if (marker?.generated && version && minorOf(marker.gstreamer) === minorOf(version)) {
    if (!quiet) console.log(`typings: kept those generated on this machine for GStreamer ${marker.gstreamer}`);
    return;
  }
  const { set, exact } = choose(sets(), version);
  const from = path.join(TYPINGS, set.name);
  const files = fs.readdirSync(from).filter((f) => f.endsWith('.d.ts'));
  for (const file of fs.readdirSync(TYPINGS)) if (file.endsWith('.d.ts') && !files.includes(file)) fs.rmSync(path.join(TYPINGS, file));
  for (const file of files) fs.copyFileSync(path.join(from, file), path.join(TYPINGS, file));
  mark({ set: set.name, gstreamer: version });
  if (!exact)
    console.log(
      `typings: no typings for GStreamer ${version ?? '(version not found)'}; using typings/${set.name}; ` +
        '`npm run typings` makes them for this machine (docs/typings.md)',
    );
  else if (!quiet) console.log(`typings: GStreamer ${version}: typings/${set.name}`);
}

module.exports = { gstVersion, sets, choose, mark, minorOf, MARKER };

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.some((a) => a !== '--quiet')) {
    console.error('usage: node scripts/typings-select.js [--quiet]');
    process.exit(2);
  }
  select({ quiet: argv.includes('--quiet') });
}
