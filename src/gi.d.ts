/**
 * The GObject-introspection namespaces gstreamer-ts works with, loaded once through node-gtk,
 * with `Gst.init` done. Each name is both a value and a type namespace:
 * `Gst.parseLaunch(...)` and `let buffer: Gst.Buffer`.
 */
export * as GLib from '../typings/GLib-2.0';
export * as GObject from '../typings/GObject-2.0';
export * as Gst from '../typings/Gst-1.0';
export * as GstBase from '../typings/GstBase-1.0';
export * as GstApp from '../typings/GstApp-1.0';
export * as GstVideo from '../typings/GstVideo-1.0';
export * as GstAudio from '../typings/GstAudio-1.0';
/** node-gtk itself, for namespaces beyond these (e.g. `gi.require('GstRtspServer', '1.0')`). */
export * as gi from 'node-gtk';
