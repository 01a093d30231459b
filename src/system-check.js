'use strict';
// What gstreamer-ts needs of the system, as messages: the GStreamer versions it supports, and the
// Debian package of each GObject-introspection typelib it may load. Plain JavaScript with no
// dependencies, so that scripts/setup.sh can use it before anything is installed
// (`node -e 'require("./src/system-check.js")...'`); src/gi.js uses it at load.

/** Oldest GStreamer supported, and the newest one CI proves (docs/install.md). */
const OLDEST = [1, 22];
const NEWEST_TESTED = [1, 26];
const range = `${OLDEST.join('.')} to ${NEWEST_TESTED.join('.')}`;

/**
 * One line saying why the GStreamer `version` ("1.20.3", as `pkg-config --modversion
 * gstreamer-1.0` or gst_version_string give it) cannot run gstreamer-ts, or null when it can.
 */
function gstreamerVersionProblem(version) {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(version));
  if (!match)
    return `gstreamer-ts cannot read the GStreamer version from ${JSON.stringify(String(version))}; it supports GStreamer ${OLDEST.join('.')} or newer (tested: ${range})`;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major > OLDEST[0] || (major === OLDEST[0] && minor >= OLDEST[1])) return null;
  return `gstreamer-ts needs GStreamer ${OLDEST.join('.')} or newer (tested: ${range}); this system has GStreamer ${match[0]}`;
}

/** Debian package of each typelib (namespace), as Debian 12 and 13 name them. */
const TYPELIB_PACKAGES = {
  'gir1.2-glib-2.0': ['GLib', 'GObject', 'Gio', 'GModule'],
  'gir1.2-gstreamer-1.0': ['Gst', 'GstBase', 'GstCheck', 'GstController', 'GstNet'],
  'gir1.2-gst-plugins-base-1.0': [
    'GstAllocators',
    'GstApp',
    'GstAudio',
    'GstGL',
    'GstPbutils',
    'GstRtp',
    'GstRtsp',
    'GstSdp',
    'GstTag',
    'GstVideo',
  ],
  'gir1.2-gst-rtsp-server-1.0': ['GstRtspServer'],
  'gir1.2-gst-plugins-bad-1.0': ['GstCodecs', 'GstInsertBin', 'GstMpegts', 'GstPlay', 'GstPlayer', 'GstTranscoder', 'GstVa', 'GstWebRTC'],
};

/** The Debian package that holds the typelib of `namespace` ('GstApp'), or null when unknown. */
function typelibPackage(namespace) {
  for (const [pkg, namespaces] of Object.entries(TYPELIB_PACKAGES)) if (namespaces.includes(namespace)) return pkg;
  return null;
}

/**
 * The message for a namespace that GObject introspection cannot load: node-gtk's own words
 * (`cause`), then the Debian package to install when the typelib is missing and known.
 */
function typelibProblem(namespace, cause) {
  const pkg = typelibPackage(namespace);
  if (pkg === null || !/Typelib file for namespace/i.test(cause)) return cause;
  return `${cause}: install the Debian package ${pkg} (apt-get install ${pkg})`;
}

module.exports = { gstreamerVersionProblem, typelibPackage, typelibProblem, TYPELIB_PACKAGES };
