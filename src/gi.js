'use strict';
// Loads node-gtk and the GStreamer namespaces once, with Gst.init done (typed by gi.d.ts).
// Plain JavaScript so that gi.d.ts can give each namespace both meanings, value and type:
// `Gst.init(null)` and `let b: Gst.Buffer` from one import.
const path = require('node:path');
const gi = require('node-gtk');
const native = require(path.join(__dirname, '..', 'build', 'Release', 'gstreamer_ts.node'));

const GLib = gi.require('GLib', '2.0');
const GObject = gi.require('GObject', '2.0');
const Gst = gi.require('Gst', '1.0');
const GstBase = gi.require('GstBase', '1.0');
const GstApp = gi.require('GstApp', '1.0');
// Loading GstVideo makes node-gtk trip three GLib assertions that change nothing (NOTES fact 10).
native.quietGLibCriticals(true);
const GstVideo = gi.require('GstVideo', '1.0');
const GstAudio = gi.require('GstAudio', '1.0');
native.quietGLibCriticals(false);

Gst.init(null);
// GLib's default main context (bus watches, GLib timeouts) runs inside Node's own loop from now on.
native.startGLib();

module.exports = { gi, GLib, GObject, Gst, GstBase, GstApp, GstVideo, GstAudio };
