/**
 * src/system-check.js: the GStreamer versions gstreamer-ts supports and the Debian package of each
 * typelib, as the one-line messages scripts/setup.sh and src/gi.js stop with; then the real load
 * path on this machine (its GStreamer passes, a typelib it lacks names its package).
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gi, Gst, GstError } from '../src';
import { gstreamerVersionProblem, TYPELIB_PACKAGES, typelibPackage, typelibProblem } from '../src/system-check';

test('GStreamer older than 1.22: one line with the version found and the versions supported', () => {
  for (const version of ['1.20.3', '1.18', '1.21.90', '0.10.36']) {
    const problem = gstreamerVersionProblem(version);
    assert.type(problem, 'string', version);
    assert.ok(problem!.includes(version), `${version}: ${problem}`);
    assert.ok(problem!.includes('1.22') && problem!.includes('1.26'), `${version}: ${problem}`);
    assert.not.ok(problem!.includes('\n'), `${version}: one line`);
  }
  assert.match(gstreamerVersionProblem('GStreamer 1.20.3')!, /this system has GStreamer 1\.20\.3$/);
});

test('GStreamer 1.22 and newer pass, an unreadable version does not', () => {
  for (const version of ['1.22.0', '1.22.12', '1.24.2', '1.26.2', '1.28.0', '2.0.0', 'GStreamer 1.26.2']) {
    assert.is(gstreamerVersionProblem(version), null, version);
  }
  assert.match(gstreamerVersionProblem('unknown')!, /cannot read the GStreamer version from "unknown".*1\.22/);
});

test('each typelib namespace names its Debian package', () => {
  assert.is(typelibPackage('GstApp'), 'gir1.2-gst-plugins-base-1.0');
  assert.is(typelibPackage('GstRtspServer'), 'gir1.2-gst-rtsp-server-1.0');
  assert.is(typelibPackage('Gst'), 'gir1.2-gstreamer-1.0');
  assert.is(typelibPackage('GLib'), 'gir1.2-glib-2.0');
  assert.is(typelibPackage('GstNoSuch'), null);
  const cause = "Typelib file for namespace 'GstApp', version '1.0' not found";
  assert.is(
    typelibProblem('GstApp', cause),
    `${cause}: install the Debian package gir1.2-gst-plugins-base-1.0 (apt-get install gir1.2-gst-plugins-base-1.0)`,
  );
  assert.is(
    typelibProblem('GstNoSuch', "Typelib file for namespace 'GstNoSuch' (any version) not found"),
    "Typelib file for namespace 'GstNoSuch' (any version) not found",
  );
  assert.is(typelibProblem('GstApp', 'some other failure'), 'some other failure');
});

const installed = (pkg: string): boolean =>
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout === 'install ok installed';

test('on this machine, each installed package holds the typelibs the map gives it', () => {
  let checked = 0;
  for (const [pkg, namespaces] of Object.entries(TYPELIB_PACKAGES)) {
    if (!installed(pkg)) continue;
    const files = spawnSync('dpkg', ['-L', pkg], { encoding: 'utf8' }).stdout;
    for (const namespace of namespaces) {
      assert.ok(new RegExp(`/${namespace}-[0-9.]+\\.typelib$`, 'm').test(files), `${namespace} in ${pkg}`);
      checked++;
    }
  }
  assert.ok(checked >= 16, `the packages setup.sh installs were checked (${checked} namespaces)`);
});

test('on this machine: its GStreamer passes, and a typelib it lacks is named with its package', () => {
  assert.is(gstreamerVersionProblem(Gst.version().slice(0, 3).join('.')), null);
  const missing = Object.entries(TYPELIB_PACKAGES).find(([pkg]) => !installed(pkg));
  if (missing) {
    const [pkg, [namespace]] = missing;
    try {
      gi.require(namespace!, '1.0');
      assert.unreachable(`${namespace} loaded though ${pkg} is not installed`);
    } catch (error) {
      assert.instance(error, GstError);
      assert.ok((error as Error).message.includes(`Typelib file for namespace '${namespace}'`), (error as Error).message);
      assert.ok((error as Error).message.endsWith(`(apt-get install ${pkg})`), (error as Error).message);
    }
  }
  // a namespace no package holds keeps node-gtk's own error
  assert.throws(
    () => gi.require('GstNoSuchNamespace', '1.0'),
    (error: unknown) => !(error instanceof GstError) && /GstNoSuchNamespace/.test(String(error)),
  );
});

test('scripts/setup.sh parses whole and finds this GStreamer supported', () => {
  // --system-only returns before the script's end: bash -n reads all of it
  const parse = spawnSync('bash', ['-n', 'scripts/setup.sh'], { encoding: 'utf8' });
  assert.is(parse.status, 0, parse.stderr);
  const run = spawnSync('bash', ['scripts/setup.sh', '--system-only'], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.not.match(run.stderr, /needs GStreamer/);
});

test.run();
