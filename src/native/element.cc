// Video filter elements whose per-frame work runs in JavaScript (src/element/).
//
// A class defined from JS becomes a GType derived from GstVideoFilter, with its pad templates,
// metadata and GObject properties, registered by name (gst_element_register) so launch
// descriptions can use it. Its transform_frame_ip hands the mapped frame to the JS thread and
// waits for the answer:
//
//  * on the JS thread itself (a buffer pushed synchronously from JS) the function runs at once;
//  * from a streaming thread the frame is queued, a uv_async wakes the JS thread, and the
//    streaming thread waits on a condition variable until JS has run (or the element flushes);
//  * the JS side sees the frame's memory as an ArrayBuffer that is detached as soon as the call
//    returns, so no view outlives the mapping;
//  * a flush (FLUSH_START, or PAUSED -> READY) cancels frames still queued and waits for the one
//    JS may be running, so a JS thread that stops a pipeline never waits on itself;
//  * a throw in JS becomes GST_ELEMENT_ERROR on the bus and GST_FLOW_ERROR, never a crash;
//  * a frame function may return a promise: the JS call returns to the event loop, the streaming
//    thread goes on waiting, and the promise's settle callback (Settled) releases it. Until then
//    the frame stays mapped and its ArrayBuffer stays attached. A flush (or the end of the
//    pipeline) cancels a pending frame on the JS thread: its ArrayBuffers are detached there,
//    before the streaming thread is released to unmap the frame, so no JS view ever sees
//    unmapped memory; the late settle finds nothing and is ignored;
//  * objects the frame function attached (frame.addObject) are appended to the object metadata
//    (src/native/meta.cc) of the buffer that leaves the element; an analyzer makes its buffer
//    writable for that (a shallow copy when it is shared: the pixels are not copied).
//
// Property values live here, per instance, behind a lock: set_property may come from any thread
// (gst-launch parsing, JS, a streaming thread), JS reads them while a frame is in its hands.

#include "element.h"
#include "meta.h"
#include "nodegtk.h"
#include "registry.h"
#include "times.h"
#include "util.h"

#include <node.h>
#include <uv.h>

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

using v8::ArrayBuffer;
using v8::Context;
using v8::Function;
using v8::HandleScope;

namespace gstts {
namespace {

enum class Kind { Int, Double, Boolean, String };

struct PropDef {
  std::string name, nick, blurb;
  Kind kind = Kind::Int;
  double minimum = 0, maximum = 0, def = 0;
  bool def_bool = false;
  std::string def_string;
  GParamSpec* pspec = nullptr;
};

struct ClassSpec {
  int id = 0;
  std::string type_name, element_name, long_name, klass, description, author, caps;
  bool passthrough = false;
  bool resize = false;  // not in place: output size from JS (outputSize), frames in and out
  int rank = 0;
  std::vector<PropDef> props;
  GstVideoFilterClass* parent = nullptr;  // the parent class (its vfuncs, chained up to)
};

struct TsElement {
  GstVideoFilter parent;
  int id;
  ClassSpec* spec;
  std::mutex* lock;  // guards values
  GValue* values;
  bool flushing;  // guarded by dispatch_lock
  int running;    // frames JS is working on now; guarded by dispatch_lock
};

enum class State { Queued, Running, Done, Cancelled };

// One call into JS: a frame (in place), a frame pair (resizing), or an output size question
// (frame == nullptr: `width`/`height` in, answered in `out_width`/`out_height`).
struct Request {
  Request(TsElement* s, GstVideoFrame* f, GstVideoFrame* o = nullptr) : self(s), frame(f), out(o) {}
  TsElement* self;
  GstVideoFrame* frame;
  GstVideoFrame* out;
  int width = 0, height = 0, out_width = 0, out_height = 0;
  State state = State::Queued;
  bool async = false;  // JS returned a promise: pending until it settles (guarded by dispatch_lock)
  std::string error;
};

// The JS side of a pending (async) frame; JS thread only. Never freed at teardown (Globals).
struct Pending {
  Request* request;
  v8::Global<ArrayBuffer> bytes, out_bytes;
};

// Never destroyed: at exit() a streaming thread may still wait on them (destroying a condition
// variable with a waiter hangs the process), and StopAll has released it by then.
std::mutex& dispatch_lock = *new std::mutex();
std::condition_variable& dispatch_cond = *new std::condition_variable();
std::deque<Request*>& queue = *new std::deque<Request*>();
bool shutting_down = false;

// The JS thread is going away (environment teardown, exit()): every waiting streaming thread
// returns GST_FLOW_FLUSHING instead of waiting for JS forever.
void StopAll() {
  {
    std::lock_guard<std::mutex> guard(dispatch_lock);
    shutting_down = true;
    for (Request* r : queue) r->state = State::Cancelled;
    queue.clear();
  }
  dispatch_cond.notify_all();
}

uv_async_t* wake = nullptr;
// The thread of the environment that called elementInit (whose loop `wake` is on). Set there and
// not when the addon loads: a worker thread loads its own instance of the addon (each environment
// does), and had it set this, the main thread would take itself for a streaming thread and wait
// on itself in Flush (the JS thread stopping a pipeline whose frame is queued for it).
GThread* js_thread = nullptr;
// Never destroyed: a Global's destructor at process exit would touch a V8 that is gone.
v8::Global<Function>& dispatch_fn = *new v8::Global<Function>();
v8::Global<Function>& size_fn = *new v8::Global<Function>();
v8::Global<Object>& resource = *new v8::Global<Object>();

std::vector<ClassSpec*> classes;  // never freed: registered GTypes live as long as the process
// Frames whose promise has not settled, by token; JS thread only.
Registry<Pending>& pendings = *new Registry<Pending>();

std::mutex& instances_lock = *new std::mutex();
Registry<TsElement>& instances = *new Registry<TsElement>();  // guarded by instances_lock
std::vector<int>& finalized = *new std::vector<int>();        // ids to forget on the JS side (elementTakeFinalized)
GQuark spec_quark = 0;

ClassSpec* SpecOf(GType type) {
  while (type) {
    if (auto* spec = static_cast<ClassSpec*>(g_type_get_qdata(type, spec_quark))) return spec;
    type = g_type_parent(type);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// into JS

Local<ArrayBuffer> FrameBytes(Isolate* isolate, GstVideoFrame* frame) {
  void* data = frame->map[0].data;
  size_t size = frame->map[0].size;
  static guint8 empty;
  auto store = ArrayBuffer::NewBackingStore(
      size ? data : &empty, size, [](void*, size_t, void*) {}, nullptr);
  return ArrayBuffer::New(isolate, std::shared_ptr<v8::BackingStore>(std::move(store)));
}

double PlaneOffset(GstVideoFrame* frame) {
  return double(static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0)) - static_cast<guint8*>(frame->map[0].data));
}

void ErrorFrom(Isolate* isolate, v8::TryCatch& trying, bool ok, Local<Value> result, Request* r) {
  if (!ok) {
    String::Utf8Value text(isolate, trying.Exception());
    r->error = *text ? *text : "exception in the element's JavaScript";
  } else if (result->IsString()) {
    String::Utf8Value text(isolate, result);
    r->error = *text ? *text : "error";
  }
}

// A frame's answer (src/element/video-filter.ts, dispatch): nothing, an error message, or the
// objects it attached as [Float64Array, classNames], appended to the buffer that leaves.
void ApplyResult(Isolate* isolate, v8::TryCatch& trying, bool ok, Local<Value> result, Request* r) {
  if (ok && result->IsArray() && result.As<v8::Array>()->Length() == 2) {
    Local<Context> context = isolate->GetCurrentContext();
    Local<Value> numbers = result.As<v8::Array>()->Get(context, 0).ToLocalChecked();
    Local<Value> names = result.As<v8::Array>()->Get(context, 1).ToLocalChecked();
    GstBuffer* buffer = r->out ? r->out->buffer : r->frame->buffer;
    if (const char* why = AppendObjects(isolate, buffer, numbers, names)) {
      if (trying.HasCaught()) trying.Reset();
      r->error = why;
    }
    return;
  }
  ErrorFrom(isolate, trying, ok, result, r);
}

void DetachPending(Isolate* isolate, Pending* p) {
  p->bytes.Get(isolate)->Detach(Local<Value>()).Check();
  if (!p->out_bytes.IsEmpty()) p->out_bytes.Get(isolate)->Detach(Local<Value>()).Check();
  p->bytes.Reset();
  p->out_bytes.Reset();
}

// The promise of a pending frame settled (with what dispatch's sync path returns). A frame a
// flush cancelled is not in `pendings` any more: nothing to do.
void Settled(const FunctionCallbackInfo<Value>& info) {
  Isolate* isolate = info.GetIsolate();
  HandleScope scope(isolate);
  Pending* p = pendings.Take(info.Data());
  if (p == nullptr) return;
  {
    std::lock_guard<std::mutex> guard(dispatch_lock);
    if (shutting_down) return;  // the streaming thread has left: `request` is gone
  }
  Request* r = p->request;
  DetachPending(isolate, p);
  delete p;
  v8::TryCatch trying(isolate);
  ApplyResult(isolate, trying, true, info[0], r);
  {
    std::lock_guard<std::mutex> guard(dispatch_lock);
    r->state = State::Done;
    r->self->running--;
  }
  dispatch_cond.notify_all();
}

// JS thread: pending frames of flushing elements are dropped (views detached), their streaming
// threads released (returning GST_FLOW_FLUSHING).
void DropCancelled() {
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  std::vector<Pending*> dropped;
  {
    std::lock_guard<std::mutex> guard(dispatch_lock);
    if (shutting_down) return;
    dropped = pendings.TakeIf([](Pending* p) { return p->request->self->flushing; });
  }
  if (dropped.empty()) return;
  for (Pending* p : dropped) DetachPending(isolate, p);
  {
    std::lock_guard<std::mutex> guard(dispatch_lock);
    for (Pending* p : dropped) {
      p->request->state = State::Cancelled;
      p->request->self->running--;
    }
  }
  for (Pending* p : dropped) delete p;
  dispatch_cond.notify_all();
}

// The arguments of dispatch, one frame's call into JS, by position: src/native.ts declares the
// same list, by the same names, as the labelled tuple ElementFrameArgs, and test/native-boundary.test.ts
// checks that the two agree. The out* arguments describe a resizing element's output frame (null
// and zeros otherwise); objects is the buffer's object metadata as metaGet reads it, or undefined.
enum FrameArg {
  kInstanceId,
  kClassId,
  kFormat,
  kPts,
  kDts,
  kDuration,
  kOffset,
  kBytes,
  kWidth,
  kHeight,
  kStride,
  kByteOffset,
  kOutBytes,
  kOutWidth,
  kOutHeight,
  kOutStride,
  kOutByteOffset,
  kObjects,
  kFrameArgs  // how many
};

// Runs one request through JS on the JS thread; sets `error` when JS threw or answered an error.
// True when the frame function returned a promise: the request is pending (see Settled).
bool RunOnJs(Request* r) {
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  Local<Context> context = resource.Get(isolate)->GetCreationContextChecked();
  Context::Scope context_scope(context);
  v8::TryCatch trying(isolate);
  Local<Value> result;
  if (r->frame == nullptr) {
    // sizeFn(instanceId, classId, width, height): [width, height] | string
    Local<Value> argv[] = {Integer::New(isolate, r->self->id), Integer::New(isolate, r->self->spec->id), Integer::New(isolate, r->width),
                           Integer::New(isolate, r->height)};
    bool ok = size_fn.Get(isolate)->Call(context, v8::Undefined(isolate), 4, argv).ToLocal(&result);
    if (ok && result->IsArray() && result.As<v8::Array>()->Length() == 2) {
      Local<Value> w = result.As<v8::Array>()->Get(context, 0).ToLocalChecked();
      Local<Value> h = result.As<v8::Array>()->Get(context, 1).ToLocalChecked();
      r->out_width = w->IsNumber() ? int(w.As<Number>()->Value()) : 0;
      r->out_height = h->IsNumber() ? int(h.As<Number>()->Value()) : 0;
      return false;
    }
    ErrorFrom(isolate, trying, ok, result, r);
    if (r->error.empty()) r->error = "outputSize must return [width, height]";
    return false;
  }
  GstVideoFrame* frame = r->frame;
  GstVideoFrame* out = r->out;
  Local<ArrayBuffer> bytes = FrameBytes(isolate, frame);
  Local<ArrayBuffer> out_bytes;
  if (out) out_bytes = FrameBytes(isolate, out);
  GstBuffer* buffer = frame->buffer;
  Local<Value> argv[kFrameArgs];
  argv[kInstanceId] = Integer::New(isolate, r->self->id);
  argv[kClassId] = Integer::New(isolate, r->self->spec->id);
  argv[kFormat] = Str(isolate, gst_video_format_to_string(GST_VIDEO_FRAME_FORMAT(frame)));
  argv[kPts] = Number::New(isolate, TimeOrNone(GST_BUFFER_PTS(buffer)));
  argv[kDts] = Number::New(isolate, TimeOrNone(GST_BUFFER_DTS(buffer)));
  argv[kDuration] = Number::New(isolate, TimeOrNone(GST_BUFFER_DURATION(buffer)));
  argv[kOffset] = Number::New(isolate, OffsetOrNone(buffer));
  argv[kBytes] = bytes;
  argv[kWidth] = Integer::New(isolate, GST_VIDEO_FRAME_WIDTH(frame));
  argv[kHeight] = Integer::New(isolate, GST_VIDEO_FRAME_HEIGHT(frame));
  argv[kStride] = Integer::New(isolate, GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0));
  argv[kByteOffset] = Number::New(isolate, PlaneOffset(frame));
  argv[kOutBytes] = out ? Local<Value>(out_bytes) : Local<Value>(v8::Null(isolate));
  argv[kOutWidth] = Integer::New(isolate, out ? GST_VIDEO_FRAME_WIDTH(out) : 0);
  argv[kOutHeight] = Integer::New(isolate, out ? GST_VIDEO_FRAME_HEIGHT(out) : 0);
  argv[kOutStride] = Integer::New(isolate, out ? GST_VIDEO_FRAME_PLANE_STRIDE(out, 0) : 0);
  argv[kOutByteOffset] = Number::New(isolate, out ? PlaneOffset(out) : 0);
  argv[kObjects] = ObjectsOf(isolate, buffer);
  bool ok = dispatch_fn.Get(isolate)->Call(context, v8::Undefined(isolate), kFrameArgs, argv).ToLocal(&result);
  if (ok && result->IsPromise()) {
    // Async: the frame stays mapped and its views attached until the promise settles (Settled)
    // or a flush drops it (DropCancelled).
    auto* p = new Pending{r, v8::Global<ArrayBuffer>(isolate, bytes), v8::Global<ArrayBuffer>()};
    if (out) p->out_bytes.Reset(isolate, out_bytes);
    int token = pendings.Add(p);
    Local<Function> settled;
    if (Function::New(context, Settled, Integer::New(isolate, token)).ToLocal(&settled) &&
        !result.As<v8::Promise>()->Then(context, settled, settled).IsEmpty())
      return true;
    pendings.Take(token);
    p->bytes.Reset();
    p->out_bytes.Reset();
    delete p;
    ok = false;
  }
  // never a view over memory that is about to be unmapped
  bytes->Detach(Local<Value>()).Check();
  if (out) out_bytes->Detach(Local<Value>()).Check();
  ApplyResult(isolate, trying, ok, result, r);
  return false;
}

void Wake(uv_async_t*) {
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  // As Node runs its own callbacks: process.nextTick and microtasks run when the batch is done.
  node::CallbackScope callback_scope(isolate, resource.Get(isolate), {0, 0});
  DropCancelled();
  for (;;) {
    Request* r;
    {
      std::lock_guard<std::mutex> guard(dispatch_lock);
      if (queue.empty()) return;
      r = queue.front();
      queue.pop_front();
      r->state = State::Running;
      r->self->running++;
    }
    if (RunOnJs(r)) {
      // Still running: Settled or DropCancelled ends it (at once when the element flushes already).
      bool flushing;
      {
        std::lock_guard<std::mutex> guard(dispatch_lock);
        r->async = true;
        flushing = r->self->flushing;
      }
      if (flushing) DropCancelled();
      continue;
    }
    {
      std::lock_guard<std::mutex> guard(dispatch_lock);
      r->state = State::Done;
      r->self->running--;
    }
    dispatch_cond.notify_all();
  }
}

// Cancels the frames of `self` still queued for JS; under dispatch_lock.
void CancelQueued(TsElement* self) {
  for (auto it = queue.begin(); it != queue.end();) {
    if ((*it)->self == self) {
      (*it)->state = State::Cancelled;
      it = queue.erase(it);
    } else {
      ++it;
    }
  }
}

// Frames of `self` still queued are cancelled; one that JS runs now is waited for (unless this
// is the JS thread: then that frame is below us on the stack and finishes after we return); one
// whose promise is pending is dropped by the JS thread (at once when this is the JS thread).
void Flush(TsElement* self) {
  if (g_thread_self() == js_thread) {
    {
      std::lock_guard<std::mutex> guard(dispatch_lock);
      self->flushing = true;
      CancelQueued(self);
    }
    dispatch_cond.notify_all();
    DropCancelled();
    return;
  }
  std::unique_lock<std::mutex> guard(dispatch_lock);
  self->flushing = true;
  CancelQueued(self);
  // A frame whose promise is pending is dropped by the JS thread (Wake -> DropCancelled).
  if (self->running > 0 && wake) uv_async_send(wake);
  dispatch_cond.notify_all();
  dispatch_cond.wait(guard, [self] { return self->running == 0 || shutting_down; });
}

void Unflush(TsElement* self) {
  std::lock_guard<std::mutex> guard(dispatch_lock);
  self->flushing = false;
}

// ---------------------------------------------------------------------------------------------
// the GType

// Runs `r` in JS: at once on the JS thread, else queued for it while this thread waits.
// False when the element flushes (or the process ends) before JS ran it.
bool Call(Request& r) {
  if (g_thread_self() == js_thread) {
    if (shutting_down) return false;
    r.state = State::Running;
    if (RunOnJs(&r)) {
      // A buffer pushed synchronously from JS: this thread cannot wait for a promise.
      Isolate* isolate = Isolate::GetCurrent();
      HandleScope scope(isolate);
      for (Pending* p : pendings.TakeIf([&r](Pending* p) { return p->request == &r; })) {
        DetachPending(isolate, p);
        delete p;
      }
      r.error =
          "the frame function returned a promise on the JavaScript thread (a buffer pushed synchronously from JS): it cannot be waited for there";
    }
    return true;
  }
  std::unique_lock<std::mutex> guard(dispatch_lock);
  if (r.self->flushing || shutting_down || wake == nullptr) return false;
  queue.push_back(&r);
  uv_async_send(wake);
  dispatch_cond.wait(guard, [&r] { return r.state == State::Done || r.state == State::Cancelled || shutting_down; });
  if (r.state == State::Done) return true;
  if (r.state == State::Queued)
    for (auto it = queue.begin(); it != queue.end(); ++it)
      if (*it == &r) {
        queue.erase(it);
        break;
      }
  return false;
}

GstFlowReturn FlowOf(TsElement* self, Request& r, bool ran) {
  if (!ran) return GST_FLOW_FLUSHING;
  if (!r.error.empty()) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("%s", r.error.c_str()),
                      ("in the JavaScript of %s (%s)", self->spec->element_name.c_str(), self->spec->type_name.c_str()));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

GstFlowReturn TransformFrameIp(GstVideoFilter* filter, GstVideoFrame* frame) {
  auto* self = reinterpret_cast<TsElement*>(filter);
  Request r{self, frame};
  return FlowOf(self, r, Call(r));
}

GstFlowReturn TransformFrame(GstVideoFilter* filter, GstVideoFrame* in, GstVideoFrame* out) {
  auto* self = reinterpret_cast<TsElement*>(filter);
  Request r{self, in, out};
  return FlowOf(self, r, Call(r));
}

// Resizing elements: output width and height come from JS (outputSize) for fixed input sizes;
// anything else (ranges, the way back from the source pad) is left open to negotiation.
GstCaps* TransformCaps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps, GstCaps* filter) {
  auto* self = reinterpret_cast<TsElement*>(trans);
  GstCaps* out = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); i++) {
    GstStructure* s = gst_structure_copy(gst_caps_get_structure(caps, i));
    int w = 0, h = 0;
    bool fixed = gst_structure_get_int(s, "width", &w) && gst_structure_get_int(s, "height", &h);
    Request r{self, nullptr};
    r.width = w;
    r.height = h;
    if (direction == GST_PAD_SINK && fixed && Call(r) && r.error.empty() && r.out_width > 0 && r.out_height > 0) {
      gst_structure_set(s, "width", G_TYPE_INT, r.out_width, "height", G_TYPE_INT, r.out_height, nullptr);
    } else if (!r.error.empty()) {
      // No size for these caps: leave them out, so that negotiation fails (not-negotiated) with the reason on the bus.
      GST_ELEMENT_WARNING(self, CORE, NEGOTIATION, ("%s", r.error.c_str()), ("outputSize of %s", self->spec->element_name.c_str()));
      gst_structure_free(s);
      continue;
    } else {
      gst_structure_set(s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, nullptr);
    }
    gst_structure_remove_field(s, "pixel-aspect-ratio");
    gst_caps_append_structure(out, s);
  }
  if (filter) {
    GstCaps* both = gst_caps_intersect_full(filter, out, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(out);
    out = both;
  }
  return out;
}

// Analyzers are pass-through, but the objects they attach need a writable buffer: a shared one
// goes on as a shallow copy (the same memory, so no pixel is copied; its metas copied).
GstFlowReturn PrepareOutputBuffer(GstBaseTransform* trans, GstBuffer* input, GstBuffer** output) {
  auto* self = reinterpret_cast<TsElement*>(trans);
  if (!gst_base_transform_is_passthrough(trans))
    return GST_BASE_TRANSFORM_CLASS(self->spec->parent)->prepare_output_buffer(trans, input, output);
  *output = gst_buffer_is_writable(input) ? input : gst_buffer_copy(input);
  return *output ? GST_FLOW_OK : GST_FLOW_ERROR;
}

gboolean SinkEvent(GstBaseTransform* trans, GstEvent* event) {
  auto* self = reinterpret_cast<TsElement*>(trans);
  if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_START)
    Flush(self);
  else if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP)
    Unflush(self);
  return GST_BASE_TRANSFORM_CLASS(self->spec->parent)->sink_event(trans, event);
}

GstStateChangeReturn ChangeState(GstElement* element, GstStateChange transition) {
  auto* self = reinterpret_cast<TsElement*>(element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) Unflush(self);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) Flush(self);
  return GST_ELEMENT_CLASS(self->spec->parent)->change_state(element, transition);
}

void SetProperty(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  auto* self = reinterpret_cast<TsElement*>(object);
  if (prop_id < 1 || prop_id > self->spec->props.size()) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  std::lock_guard<std::mutex> guard(*self->lock);
  g_value_copy(value, &self->values[prop_id - 1]);
}

void GetProperty(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  auto* self = reinterpret_cast<TsElement*>(object);
  if (prop_id < 1 || prop_id > self->spec->props.size()) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    return;
  }
  std::lock_guard<std::mutex> guard(*self->lock);
  g_value_copy(&self->values[prop_id - 1], value);
}

void Finalize(GObject* object) {
  auto* self = reinterpret_cast<TsElement*>(object);
  {
    std::lock_guard<std::mutex> guard(instances_lock);
    instances.Take(self->id);
    finalized.push_back(self->id);
  }
  for (size_t i = 0; i < self->spec->props.size(); i++) g_value_unset(&self->values[i]);
  delete[] self->values;
  delete self->lock;
  G_OBJECT_CLASS(self->spec->parent)->finalize(object);
}

GParamSpec* MakePspec(const PropDef& p) {
  auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
  const char* n = p.name.c_str();
  const char* nick = p.nick.c_str();
  const char* blurb = p.blurb.c_str();
  switch (p.kind) {
    case Kind::Int: return g_param_spec_int(n, nick, blurb, int(p.minimum), int(p.maximum), int(p.def), flags);
    case Kind::Double: return g_param_spec_double(n, nick, blurb, p.minimum, p.maximum, p.def, flags);
    case Kind::Boolean: return g_param_spec_boolean(n, nick, blurb, p.def_bool, flags);
    case Kind::String: return g_param_spec_string(n, nick, blurb, p.def_string.c_str(), flags);
  }
  return nullptr;
}

void ClassInit(gpointer klass, gpointer data) {
  auto* spec = static_cast<ClassSpec*>(data);
  spec->parent = GST_VIDEO_FILTER_CLASS(g_type_class_peek_parent(klass));
  auto* object_class = G_OBJECT_CLASS(klass);
  object_class->set_property = SetProperty;
  object_class->get_property = GetProperty;
  object_class->finalize = Finalize;
  for (size_t i = 0; i < spec->props.size(); i++) {
    spec->props[i].pspec = MakePspec(spec->props[i]);
    g_object_class_install_property(object_class, guint(i + 1), spec->props[i].pspec);
  }
  auto* element_class = GST_ELEMENT_CLASS(klass);
  element_class->change_state = ChangeState;
  gst_element_class_set_static_metadata(element_class, spec->long_name.c_str(), spec->klass.c_str(), spec->description.c_str(),
                                        spec->author.c_str());
  GstCaps* caps = gst_caps_from_string(spec->caps.c_str());
  gst_element_class_add_pad_template(element_class, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template(element_class, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref(caps);
  GST_BASE_TRANSFORM_CLASS(klass)->sink_event = SinkEvent;
  if (spec->passthrough) GST_BASE_TRANSFORM_CLASS(klass)->prepare_output_buffer = PrepareOutputBuffer;
  if (spec->resize) {
    GST_BASE_TRANSFORM_CLASS(klass)->transform_caps = TransformCaps;
    GST_VIDEO_FILTER_CLASS(klass)->transform_frame = TransformFrame;
  } else {
    GST_VIDEO_FILTER_CLASS(klass)->transform_frame_ip = TransformFrameIp;
  }
}

void InstanceInit(GTypeInstance* instance, gpointer klass) {
  auto* self = reinterpret_cast<TsElement*>(instance);
  self->spec = SpecOf(G_TYPE_FROM_CLASS(klass));
  self->lock = new std::mutex();
  self->values = new GValue[self->spec->props.size()]();
  for (size_t i = 0; i < self->spec->props.size(); i++) {
    GParamSpec* pspec = self->spec->props[i].pspec;
    g_value_init(&self->values[i], G_PARAM_SPEC_VALUE_TYPE(pspec));
    g_param_value_set_default(pspec, &self->values[i]);
  }
  self->flushing = false;
  self->running = 0;
  auto* trans = GST_BASE_TRANSFORM(instance);
  gst_base_transform_set_in_place(trans, !self->spec->resize);
  if (self->spec->passthrough) gst_base_transform_set_passthrough(trans, TRUE);
  std::lock_guard<std::mutex> guard(instances_lock);
  self->id = instances.Add(self);
}

// ---------------------------------------------------------------------------------------------
// the JS API

std::string StringField(Isolate* isolate, Local<Object> obj, const char* key) {
  Local<Value> v = obj->Get(isolate->GetCurrentContext(), Str(isolate, key)).ToLocalChecked();
  if (!v->IsString()) return "";
  String::Utf8Value text(isolate, v);
  return *text ? *text : "";
}

double NumberField(Isolate* isolate, Local<Object> obj, const char* key, double fallback) {
  Local<Value> v = obj->Get(isolate->GetCurrentContext(), Str(isolate, key)).ToLocalChecked();
  return v->IsNumber() ? v.As<Number>()->Value() : fallback;
}

// elementInit(dispatch, sizeFn): the JS functions that run frames and answer output sizes (see RunOnJs)
void ElementInit(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsFunction() || !args[1]->IsFunction()) return ThrowType(isolate, "elementInit(dispatch, sizeFn)");
  if (wake) return ThrowError(isolate, "elementInit: already initialised");
  dispatch_fn.Reset(isolate, args[0].As<Function>());
  size_fn.Reset(isolate, args[1].As<Function>());
  resource.Reset(isolate, Object::New(isolate));
  js_thread = g_thread_self();
  wake = new uv_async_t();
  uv_async_init(node::GetCurrentEventLoop(isolate), wake, Wake);
  // Unref'd: what keeps the process alive is a playing pipeline (src/context.ts), as for appsinks.
  uv_unref(reinterpret_cast<uv_handle_t*>(wake));
  // process.exit() skips environment cleanup hooks: release waiting threads there too.
  std::atexit(StopAll);
  node::AddEnvironmentCleanupHook(
      isolate,
      [](void*) {
        StopAll();
        dispatch_fn.Reset();
        size_fn.Reset();
        resource.Reset();
      },
      nullptr);
}

// defineElement({typeName, elementName, longName, klass, description, author, caps, passthrough, rank,
//                props: [{name, nick, blurb, kind, minimum, maximum, default}]}): classId
void DefineElement(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  if (!args[0]->IsObject()) return ThrowType(isolate, "defineElement(spec)");
  Local<Object> obj = args[0].As<Object>();
  auto* spec = new ClassSpec();
  spec->type_name = StringField(isolate, obj, "typeName");
  spec->element_name = StringField(isolate, obj, "elementName");
  spec->long_name = StringField(isolate, obj, "longName");
  spec->klass = StringField(isolate, obj, "klass");
  spec->description = StringField(isolate, obj, "description");
  spec->author = StringField(isolate, obj, "author");
  spec->caps = StringField(isolate, obj, "caps");
  spec->passthrough = BoolOption(isolate, obj, "passthrough");
  spec->resize = BoolOption(isolate, obj, "resize");
  spec->rank = int(NumberField(isolate, obj, "rank", 0));
  GstCaps* caps = gst_caps_from_string(spec->caps.c_str());
  if (!caps) {
    ThrowType(isolate, "cannot parse the element's caps: " + spec->caps);
    delete spec;
    return;
  }
  gst_caps_unref(caps);
  if (gst_element_factory_find(spec->element_name.c_str()) || g_type_from_name(spec->type_name.c_str())) {
    ThrowError(isolate, "an element named \"" + spec->element_name + "\" is registered already");
    delete spec;
    return;
  }
  Local<Value> props_value = obj->Get(context, Str(isolate, "props")).ToLocalChecked();
  if (props_value->IsArray()) {
    Local<v8::Array> props = props_value.As<v8::Array>();
    for (uint32_t i = 0; i < props->Length(); i++) {
      Local<Object> p = props->Get(context, i).ToLocalChecked().As<Object>();
      PropDef def;
      def.name = StringField(isolate, p, "name");
      def.nick = StringField(isolate, p, "nick");
      def.blurb = StringField(isolate, p, "blurb");
      std::string kind = StringField(isolate, p, "kind");
      def.kind = kind == "double" ? Kind::Double : kind == "boolean" ? Kind::Boolean : kind == "string" ? Kind::String : Kind::Int;
      def.minimum = NumberField(isolate, p, "minimum", 0);
      def.maximum = NumberField(isolate, p, "maximum", 0);
      Local<Value> d = p->Get(context, Str(isolate, "default")).ToLocalChecked();
      if (d->IsNumber()) def.def = d.As<Number>()->Value();
      def.def_bool = d->IsTrue();
      if (d->IsString()) def.def_string = StringField(isolate, p, "default");
      if (!g_param_spec_is_valid_name(def.name.c_str())) {
        ThrowType(isolate, "invalid property name \"" + def.name + "\" (letters, digits, '-' and '_', starting with a letter)");
        delete spec;
        return;
      }
      spec->props.push_back(def);
    }
  }
  GTypeQuery query;
  g_type_query(GST_TYPE_VIDEO_FILTER, &query);
  GTypeInfo info = {};
  info.class_size = guint16(query.class_size);
  info.class_init = ClassInit;
  info.class_data = spec;
  info.instance_size = guint16(sizeof(TsElement));
  info.instance_init = InstanceInit;
  GType type = g_type_register_static(GST_TYPE_VIDEO_FILTER, spec->type_name.c_str(), &info, GTypeFlags(0));
  if (!type) {
    ThrowError(isolate, "cannot register the GType " + spec->type_name);
    delete spec;
    return;
  }
  g_type_set_qdata(type, spec_quark, spec);
  spec->id = int(classes.size()) + 1;
  classes.push_back(spec);
  if (!gst_element_register(nullptr, spec->element_name.c_str(), guint(spec->rank), type))
    return ThrowError(isolate, "gst_element_register failed for \"" + spec->element_name + "\"");
  args.GetReturnValue().Set(Integer::New(isolate, spec->id));
}

TsElement* InstanceOf(Local<Value> id) {
  std::lock_guard<std::mutex> guard(instances_lock);
  return instances.Find(id);
}

// elementGet(instanceId, propIndex): number | boolean | string | null
void ElementGet(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  TsElement* self = InstanceOf(args[0]);
  if (!self || !args[1]->IsNumber()) return ThrowError(isolate, "the element is gone");
  size_t i = size_t(args[1].As<Number>()->Value());
  if (i >= self->spec->props.size()) return ThrowType(isolate, "no such property");
  std::lock_guard<std::mutex> guard(*self->lock);
  const GValue* v = &self->values[i];
  switch (self->spec->props[i].kind) {
    case Kind::Int: return args.GetReturnValue().Set(Integer::New(isolate, g_value_get_int(v)));
    case Kind::Double: return args.GetReturnValue().Set(Number::New(isolate, g_value_get_double(v)));
    case Kind::Boolean: return args.GetReturnValue().Set(v8::Boolean::New(isolate, g_value_get_boolean(v)));
    case Kind::String: {
      const char* s = g_value_get_string(v);
      if (s)
        args.GetReturnValue().Set(Str(isolate, s));
      else
        args.GetReturnValue().SetNull();
      return;
    }
  }
}

// elementSet(instanceId, propIndex, value): sets through GObject (so `notify` is emitted)
void ElementSet(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  TsElement* self = InstanceOf(args[0]);
  if (!self || !args[1]->IsNumber()) return ThrowError(isolate, "the element is gone");
  size_t i = size_t(args[1].As<Number>()->Value());
  if (i >= self->spec->props.size()) return ThrowType(isolate, "no such property");
  const PropDef& p = self->spec->props[i];
  GValue v = G_VALUE_INIT;
  g_value_init(&v, G_PARAM_SPEC_VALUE_TYPE(p.pspec));
  switch (p.kind) {
    case Kind::Int: g_value_set_int(&v, int(args[2].As<Number>()->Value())); break;
    case Kind::Double: g_value_set_double(&v, args[2].As<Number>()->Value()); break;
    case Kind::Boolean: g_value_set_boolean(&v, args[2]->IsTrue()); break;
    case Kind::String: {
      String::Utf8Value text(isolate, args[2]);
      g_value_set_string(&v, args[2]->IsString() && *text ? *text : nullptr);
      break;
    }
  }
  g_object_set_property(G_OBJECT(self), p.pspec->name, &v);
  g_value_unset(&v);
}

// elementIdOf(gobject wrapper): [instanceId, classId], or null when it is not an element defined here
void ElementIdOf(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Value> value = args[0];
  args.GetReturnValue().SetNull();
  // Only nodegtk.cc reads node-gtk's wrappers.
  GObject* ptr = PeekObject(value, GST_TYPE_VIDEO_FILTER);
  if (!ptr || !SpecOf(G_OBJECT_TYPE(ptr))) return;
  auto* self = reinterpret_cast<TsElement*>(ptr);
  Local<v8::Array> out = v8::Array::New(isolate, 2);
  out->Set(isolate->GetCurrentContext(), 0, Integer::New(isolate, self->id)).Check();
  out->Set(isolate->GetCurrentContext(), 1, Integer::New(isolate, self->spec->id)).Check();
  args.GetReturnValue().Set(out);
}

// elementDrop(instanceId): the element flushes now: a pending frame is dropped (its views
// detached), its streaming thread released with GST_FLOW_FLUSHING, until the next
// READY -> PAUSED or FLUSH_STOP (a shutdown that timed out on a frame that never settles)
void ElementDrop(const FunctionCallbackInfo<Value>& args) {
  TsElement* self = InstanceOf(args[0]);
  if (self) Flush(self);
}

// elementTakeFinalized(): ids of instances finalized since the last call
void ElementTakeFinalized(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  std::vector<int> ids;
  {
    std::lock_guard<std::mutex> guard(instances_lock);
    ids.swap(finalized);
  }
  Local<v8::Array> out = v8::Array::New(isolate, int(ids.size()));
  for (size_t i = 0; i < ids.size(); i++) out->Set(isolate->GetCurrentContext(), uint32_t(i), Integer::New(isolate, ids[i])).Check();
  args.GetReturnValue().Set(out);
}

}  // namespace

void InitElement(Local<Object> exports) {
  spec_quark = g_quark_from_static_string("gstreamer-ts-element-spec");
  NODE_SET_METHOD(exports, "elementInit", ElementInit);
  NODE_SET_METHOD(exports, "defineElement", DefineElement);
  NODE_SET_METHOD(exports, "elementGet", ElementGet);
  NODE_SET_METHOD(exports, "elementSet", ElementSet);
  NODE_SET_METHOD(exports, "elementIdOf", ElementIdOf);
  NODE_SET_METHOD(exports, "elementTakeFinalized", ElementTakeFinalized);
  NODE_SET_METHOD(exports, "elementDrop", ElementDrop);
}

}  // namespace gstts
