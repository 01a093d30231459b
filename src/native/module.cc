// gstreamer-ts native part: the few things node-gtk cannot do fast or at all. Registration only:
// each concern lives in its own file and adds its functions to the exports.
//
//   nodegtk.cc  the only file that knows node-gtk's private wrapper layout, and its load check
//   pool.cc     recycled frame memory; ArrayBuffers that own frames or mapped GStreamer memory
//   layout.cc   video layout from caps
//   audio_layout.cc  audio layout from caps
//   frames.cc   copies, zero-copy views, release, bytes into GStreamer
//   samples.cc  appsink pulls on the JS thread
//   stream_copy.cc  copies made on the streaming thread, as frames reach an appsink
//   notify.cc   signal notifiers that never block a streaming thread on JS
//   loop.cc     GLib's default main context driven from libuv
//   state.cc    state changes and end-of-stream on a worker thread
//   bus.cc      bus watches without a JS wrapper of the bus (EOS, ERROR, WARNING)
//   source_watch.cc  how long a pipeline's network sources have sent nothing
//   log.cc      silence for GLib-CRITICAL lines while typelibs load
//   meta.cc     object-detection metadata on buffers (a GstMeta of our own)
//   analytics.cc  the same objects as GStreamer's analytics meta (>= 1.24, library opened at run time)
//   element.cc  elements written in TypeScript (a GstVideoFilter subclass per class)
//   params.cc   what the registry knows of an element factory (properties, signals, pad templates)
//   tensor.cc   frames as model inputs (float32/uint8, NCHW/NHWC, resize, letterbox)
//
// Context-aware: each Node.js environment (main thread, worker) gets its own Addon instance,
// torn down by an environment cleanup hook that closes its libuv handles.

#include <node.h>
#include <node_version.h>
#include <v8.h>

#include "addon.h"
#include "audio_layout.h"
#include "element.h"
#include "meta.h"
#include "params.h"
#include "tensor.h"
#include "util.h"

namespace {

// At environment teardown: each concern closes what it holds; Node waits for `done`.
void TeardownAddon(void* arg, void (*done)(void*), void* done_arg) { static_cast<gstts::Addon*>(arg)->Teardown(done, done_arg); }

// builtFor: the Node.js headers this binary was compiled against, compared with the running
// Node.js by src/native.ts (a binary built against the wrong headers may load, then fail).
v8::Local<v8::Object> BuiltFor(v8::Isolate* isolate) {
  v8::Local<v8::Object> info = v8::Object::New(isolate);
  gstts::Set(isolate, info, "node", gstts::Str(isolate, NODE_VERSION_STRING));
  gstts::Set(isolate, info, "modules", v8::Integer::New(isolate, NODE_MODULE_VERSION));
  return info;
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();  // V8 14 has no Context::GetIsolate()
  auto* addon = new gstts::Addon(isolate, context);
  addon->cleanup_hook = node::AddEnvironmentCleanupHook(isolate, TeardownAddon, addon);
  gstts::InitNodeGtk(context, exports, addon);
  gstts::InitFrames(context, exports, addon);
  gstts::InitAudioLayout(context, exports);
  gstts::InitSamples(context, exports, addon);
  gstts::InitStreamCopy(context, exports, addon);
  gstts::InitNotify(context, exports, addon);
  gstts::InitLoop(context, exports, addon);
  gstts::InitState(context, exports, addon);
  gstts::InitLog(context, exports, addon);
  gstts::InitBus(context, exports, addon);
  gstts::InitSourceWatch(context, exports, addon);
  gstts::InitMeta(exports);
  gstts::InitElement(exports);
  gstts::InitParams(exports);
  gstts::InitTensor(context, exports);
  gstts::Set(isolate, exports, "builtFor", BuiltFor(isolate));
}
