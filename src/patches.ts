/**
 * The one module that changes node-gtk's classes. Each change replaces one method on one
 * prototype; the replacements are made by the modules that own their behaviour, and put in
 * place here, once, when this module is first imported (by the package's entries and by
 * src/pipeline.ts), in this order:
 *
 *  1. Gst.Element.prototype.connect: a throw or a rejected promise in a user's handler fails
 *     the pipeline instead of ending the process, and the handler is let go when the pipeline
 *     ends (src/signals.ts, guardedConnect).
 *  2. Gst.Bus.prototype.connect: the same guard for bus handlers (src/signals.ts).
 *  3. Gst.Pad.prototype.addProbe: the same guard for pad probes (src/signals.ts, guardedAddProbe).
 *  4. GstApp.AppSink.prototype.connect/disconnect/emit: 'new-sample' handlers run from the sample
 *     engine, never from node-gtk's blocking cross-thread signal (src/samples.ts). Its other
 *     signals go up the prototype chain to 1, so it comes after it.
 *  5. GLib.MainLoop.prototype.run: a script's own main loop; node-gtk's first run() attaches a
 *     source that runs libuv inside GLib's loop, and the addon keeps it asleep whenever GLib's
 *     loop is not the one running (src/native/loop.cc, docs/node-gtk.md "Main loops").
 *
 * Why each is needed: docs/node-gtk.md ("A throw in a signal handler", "Cross-thread signals",
 * "Object lifetimes", "Main loops").
 */
import { GLib, Gst, GstApp } from './gi';
import { native } from './native';
import { appSinkSignalMethods, type AppSinkSignalMethods } from './samples';
import { guardedAddProbe, guardedConnect, type AddProbe, type Connect } from './signals';

/** Puts `method` on `proto` in place of its own `name`, as a class method is (writable, not enumerable). */
function replace(proto: object, name: string, method: unknown): void {
  Object.defineProperty(proto, name, { configurable: true, writable: true, value: method });
}

const elementProto = Gst.Element.prototype as unknown as { connect: Connect };
replace(elementProto, 'connect', guardedConnect(elementProto.connect));

const busProto = Gst.Bus.prototype as unknown as { connect: Connect };
replace(busProto, 'connect', guardedConnect(busProto.connect));

const padProto = Gst.Pad.prototype as unknown as { addProbe: AddProbe };
replace(padProto, 'addProbe', guardedAddProbe(padProto.addProbe));

const appSinkProto = GstApp.AppSink.prototype as unknown as AppSinkSignalMethods;
// The prototype above AppSink's itself, not a copy of its methods: looked up at each call.
const appSinkMethods = appSinkSignalMethods(Object.getPrototypeOf(appSinkProto) as AppSinkSignalMethods);
for (const name of ['connect', 'disconnect', 'emit'] as const) replace(appSinkProto, name, appSinkMethods[name]);

const mainLoopProto = GLib.MainLoop.prototype as unknown as { run: (this: GLib.MainLoop) => void };
const nodeGtkRun = mainLoopProto.run;
let adopted = false;
replace(mainLoopProto, 'run', function run(this: GLib.MainLoop): void {
  if (!adopted) {
    adopted = true;
    const nodeGtkLoop = require('node-gtk/lib/loop.js') as { start(): void };
    native.adoptNodeGtkLoop(() => nodeGtkLoop.start());
  }
  nodeGtkRun.call(this);
});
