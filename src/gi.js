'use strict';
// Loads node-gtk and the GStreamer namespaces once, with Gst.init done (typed by gi.d.ts), after
// checking that node-gtk is the version and wrapper layout the addon reads.
// Plain JavaScript so that gi.d.ts can give each namespace both meanings, value and type:
// `Gst.init(null)` and `let b: Gst.Buffer` from one import.
const { native, requireNodeGtk } = require('./native');
const { GstError, messageOf } = require('./errors');
const { gstreamerVersionProblem, typelibProblem } = require('./system-check');

const gi = requireNodeGtk();

// A namespace whose typelib is missing fails with node-gtk's message followed by the Debian
// package that holds it (src/system-check.js), here and in scripts' own gi.require calls
// (e.g. gi.require('GstRtspServer', '1.0'): gir1.2-gst-rtsp-server-1.0).
if (!gi.require.gstreamerTs) {
  const require_ = gi.require;
  gi.require = function require(...args) {
    const namespace = args[0];
    try {
      return require_.apply(this, args);
    } catch (error) {
      const message = messageOf(error);
      const problem = typelibProblem(String(namespace), message);
      if (problem === message) throw error;
      throw new GstError(problem, { cause: error });
    }
  };
  gi.require.gstreamerTs = true;
}

const GLib = gi.require('GLib', '2.0');
const GObject = gi.require('GObject', '2.0');
const Gst = gi.require('Gst', '1.0');
// GStreamer older than 1.22 is not supported: one line with the version found and the range
{
  const problem = gstreamerVersionProblem(Gst.version().slice(0, 3).join('.'));
  if (problem !== null) throw new GstError(problem);
}
const GstBase = gi.require('GstBase', '1.0');
const GstApp = gi.require('GstApp', '1.0');
// Loading GstVideo makes node-gtk trip three GLib assertions that change nothing
// (docs/node-gtk.md, "GLib-CRITICAL lines when loading GstVideo").
native.quietGLibCriticals(true);
const GstVideo = gi.require('GstVideo', '1.0');
const GstAudio = gi.require('GstAudio', '1.0');
native.quietGLibCriticals(false);

Gst.init(null);

// The addon reads node-gtk's private wrapper layout (docs/node-gtk.md, "Wrapper layout"): check it
// once on fresh objects, against what node-gtk itself reports about them, before anything else.
{
  const buffer = Gst.Buffer.newAllocate(null, 7, null);
  const caps = Gst.Caps.fromString('video/x-raw, width=(int)7');
  const element = Gst.ElementFactory.make('identity', 'gstreamer-ts-layout-check');
  native.checkNodeGtk(
    require('node-gtk/package.json').version,
    buffer,
    Number(buffer.getSize()),
    caps,
    caps.toString(),
    element,
    element.getName(),
  );
}

// GLib's default main context (bus watches, GLib timeouts) runs inside Node's own loop from now on,
// until the process exits: nothing is dispatched while Node tears the environment down.
native.startGLib();
process.once('exit', () => native.stopGLib());

// node-gtk's classes are changed in one place, src/patches.ts (GLib.MainLoop's run among them).

module.exports = { gi, GLib, GObject, Gst, GstBase, GstApp, GstVideo, GstAudio };
