// Bus watches without a JS wrapper of the bus (docs/node-gtk.md, "Object lifetimes").
//
// node-gtk finalizes a GObject only once V8 collects its wrapper, and V8 has no reason to hurry:
// a pipeline's bus holds two sockets (its GstPoll), so a loop of short pipelines ran out of file
// descriptors. Watched from here, the bus never gets a wrapper (unless the user asks for one), and
// detachBus drops the pipeline's own reference once it is NULL: the sockets close at once.

#include "addon.h"
#include "nodegtk.h"
#include "registry.h"
#include "util.h"

namespace gstts {

namespace {

using v8::Array;
using v8::Function;

struct BusWatch {
  GstBus* bus = nullptr;
  gulong handler = 0;
  v8::Global<Function> callback;
  v8::Global<Object> resource;
};

// What the GLib signal handler gets: the watches and the id (the watch may be gone by then).
struct WatchRef {
  Registry<BusWatch>* all;
  int id;
};

Local<Value> StrOrNull(Isolate* isolate, const gchar* s) {
  Local<String> text;
  if (s == nullptr || !String::NewFromUtf8(isolate, s).ToLocal(&text)) return v8::Null(isolate);
  return text;
}

// A message's fields as JS gets them, by position: [type, text, debug, source name, error domain,
// error code, source's "location" property]. src/native.ts's NativeBusMessage names them the same
// (test/native-boundary.test.ts checks that the two agree).
enum MessageField { kType, kText, kDebug, kSource, kDomain, kCode, kLocation, kMessageFields /* how many */ };

Local<Value> MessageTuple(Isolate* isolate, GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) gst_message_parse_error(message, &error, &debug);
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING) gst_message_parse_warning(message, &error, &debug);
  GstObject* src = GST_MESSAGE_SRC(message);
  gchar* location = nullptr;
  if (error && src && G_IS_OBJECT(src)) {
    GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(src), "location");
    if (spec && G_PARAM_SPEC_VALUE_TYPE(spec) == G_TYPE_STRING && (spec->flags & G_PARAM_READABLE))
      g_object_get(src, "location", &location, nullptr);
  }
  Local<Value> fields[kMessageFields];
  fields[kType] = Integer::NewFromUnsigned(isolate, GST_MESSAGE_TYPE(message));
  fields[kText] = StrOrNull(isolate, error ? error->message : nullptr);
  fields[kDebug] = StrOrNull(isolate, debug);
  fields[kSource] = StrOrNull(isolate, src ? GST_OBJECT_NAME(src) : nullptr);
  fields[kDomain] = StrOrNull(isolate, error ? g_quark_to_string(error->domain) : nullptr);
  fields[kCode] = Integer::New(isolate, error ? error->code : 0);
  fields[kLocation] = StrOrNull(isolate, location);
  g_free(location);
  g_free(debug);
  if (error) g_error_free(error);
  return Array::New(isolate, fields, kMessageFields);
}

// The bus's "message" signal, from its signal watch: on the JS thread (GLib's default context is
// dispatched from libuv's loop there, src/native/loop.cc). Only what a pipeline ends on goes to JS.
void OnBusMessage(GstBus*, GstMessage* message, gpointer data) {
  auto type = GST_MESSAGE_TYPE(message);
  if (type != GST_MESSAGE_EOS && type != GST_MESSAGE_ERROR && type != GST_MESSAGE_WARNING) return;
  auto* ref = static_cast<WatchRef*>(data);
  Addon* addon = ref->all->addon();
  BusWatch* w = ref->all->Find(ref->id);
  if (w == nullptr || addon->tearing_down()) return;
  Isolate* isolate = addon->isolate();
  v8::HandleScope scope(isolate);
  v8::Context::Scope context_scope(addon->context());
  Local<Object> resource = w->resource.Get(isolate);
  Local<Function> callback = w->callback.Get(isolate);
  Local<Value> argv[] = {MessageTuple(isolate, message)};
  // `w` may be gone when this returns (the callback may unwatch): not touched after.
  (void)node::MakeCallback(isolate, resource, callback, 1, argv, {0, 0});
}

// `w` is out of the registry already.
void Unwatch(BusWatch* w) {
  g_signal_handler_disconnect(w->bus, w->handler);  // frees its WatchRef
  gst_bus_remove_signal_watch(w->bus);
  gst_object_unref(w->bus);
  w->callback.Reset();
  w->resource.Reset();
  delete w;
}

// watchBus(pipeline, callback([type, text, debug, source, domain, code, location])): id
void WatchBus(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* all = DataOf<Registry<BusWatch>>(args);
  GObject* element = UnwrapObject(isolate, args[0], GST_TYPE_ELEMENT, "expected a Gst.Element");
  if (!element) return;
  if (!args[1]->IsFunction()) {
    ThrowType(isolate, "watchBus(pipeline, callback)");
    return;
  }
  GstBus* bus = gst_element_get_bus(GST_ELEMENT(element));
  if (!bus) {
    ThrowError(isolate, "the pipeline has no bus");
    return;
  }
  auto* w = new BusWatch();
  int id = all->Add(w);
  w->bus = bus;  // the reference gst_element_get_bus gave
  w->callback.Reset(isolate, args[1].As<Function>());
  w->resource.Reset(isolate, Object::New(isolate));
  gst_bus_add_signal_watch(bus);
  w->handler = g_signal_connect_data(
      bus, "message", G_CALLBACK(OnBusMessage), new WatchRef{all, id},
      [](gpointer data, GClosure*) { delete static_cast<WatchRef*>(data); }, GConnectFlags(0));
  args.GetReturnValue().Set(Integer::New(isolate, id));
}

// unwatchBus(id): idempotent
void UnwatchBus(const FunctionCallbackInfo<Value>& args) {
  if (BusWatch* w = DataOf<Registry<BusWatch>>(args)->Take(args[0])) Unwatch(w);
}

// popBusError(pipeline): the first ERROR message waiting on the bus as watchBus's tuple, or null
void PopBusError(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GObject* element = UnwrapObject(isolate, args[0], GST_TYPE_ELEMENT, "expected a Gst.Element");
  if (!element) return;
  GstBus* bus = gst_element_get_bus(GST_ELEMENT(element));
  GstMessage* message = bus ? gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR) : nullptr;
  if (bus) gst_object_unref(bus);
  if (!message) {
    args.GetReturnValue().SetNull();
    return;
  }
  args.GetReturnValue().Set(MessageTuple(isolate, message));
  gst_message_unref(message);
}

// detachBus(pipeline): the pipeline lets go of its bus (call once it is NULL; it posts nothing more)
void DetachBus(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GObject* element = UnwrapObject(isolate, args[0], GST_TYPE_ELEMENT, "expected a Gst.Element");
  if (element) gst_element_set_bus(GST_ELEMENT(element), nullptr);
}

}  // namespace

void InitBus(Local<v8::Context> context, Local<Object> exports, Addon* addon) {
  auto* all = NewRegistry<BusWatch>(addon, Unwatch);
  SetMethod(context, exports, "watchBus", WatchBus, all);
  SetMethod(context, exports, "unwatchBus", UnwatchBus, all);
  SetMethod(context, exports, "popBusError", PopBusError, all);
  SetMethod(context, exports, "detachBus", DetachBus, all);
}

}  // namespace gstts
