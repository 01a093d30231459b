// Signal notifiers: a C handler that counts emissions on any thread (GStreamer's streaming
// threads included) and wakes the JS thread through a uv async handle; it never waits for JS,
// unlike node-gtk's own cross-thread signals (docs/node-gtk.md, "Cross-thread signals").

#include <atomic>
#include <mutex>
#include <string>

#include "addon.h"
#include "nodegtk.h"
#include "registry.h"
#include "util.h"

namespace gstts {

namespace {

using v8::Function;

struct Notifier {
  Addon* addon = nullptr;
  uv_async_t async;
  GObject* object = nullptr;
  gulong handler = 0;
  std::mutex lock;
  bool closed = false;
  std::atomic<int> pending{0};
  std::atomic<int> flow{GST_FLOW_OK};
  v8::Global<Function> callback;
  v8::Global<Object> resource;
};

void NotifierMarshal(GClosure* closure, GValue* return_value, guint, const GValue*, gpointer, gpointer) {
  auto* n = static_cast<Notifier*>(closure->data);
  if (return_value && G_VALUE_TYPE(return_value) == GST_TYPE_FLOW_RETURN) g_value_set_enum(return_value, n->flow.load());
  std::lock_guard<std::mutex> guard(n->lock);
  if (n->closed) return;
  n->pending.fetch_add(1);
  uv_async_send(&n->async);
}

void NotifierWake(uv_async_t* handle) {
  auto* n = static_cast<Notifier*>(handle->data);
  int count = n->pending.exchange(0);
  if (count == 0 || n->callback.IsEmpty() || n->addon->tearing_down()) return;
  Isolate* isolate = n->addon->isolate();
  v8::HandleScope scope(isolate);
  v8::Context::Scope context_scope(n->addon->context());
  Local<Value> argv[] = {Integer::New(isolate, count)};
  // As Node calls its own callbacks: ticks and microtasks after, a throw becomes uncaughtException.
  (void)node::MakeCallback(isolate, n->resource.Get(isolate), n->callback.Get(isolate), 1, argv, {0, 0});
}

// Disconnects and closes (`n` is out of the registry already); safe against an emission running
// on another thread.
void Close(Notifier* n) {
  {
    std::lock_guard<std::mutex> guard(n->lock);
    n->closed = true;
  }
  if (g_signal_handler_is_connected(n->object, n->handler)) g_signal_handler_disconnect(n->object, n->handler);
  g_object_unref(n->object);
  n->callback.Reset();
  n->resource.Reset();
  n->addon->Close(&n->async, [n] { delete n; });
}

// notify(object, signal, callback(count), { ref }): id; ref keeps the event loop alive
void Notify(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* all = DataOf<Registry<Notifier>>(args);
  GObject* object = UnwrapObject(isolate, args[0], G_TYPE_OBJECT, "expected a GObject.Object");
  if (!object) return;
  if (!args[1]->IsString() || !args[2]->IsFunction()) {
    ThrowType(isolate, "notify(object, signal, callback)");
    return;
  }
  v8::String::Utf8Value signal(isolate, args[1]);
  guint signal_id;
  GQuark detail;
  if (!g_signal_parse_name(*signal, G_OBJECT_TYPE(object), &signal_id, &detail, TRUE)) {
    ThrowError(isolate, std::string("no signal \"") + *signal + "\" on " + G_OBJECT_TYPE_NAME(object));
    return;
  }
  auto* n = new Notifier();
  n->addon = all->addon();
  n->object = G_OBJECT(g_object_ref(object));
  n->callback.Reset(isolate, args[2].As<Function>());
  n->resource.Reset(isolate, Object::New(isolate));
  uv_async_init(node::GetCurrentEventLoop(isolate), &n->async, NotifierWake);
  n->async.data = n;
  if (!BoolOption(isolate, args[3], "ref")) uv_unref(reinterpret_cast<uv_handle_t*>(&n->async));
  GClosure* closure = g_closure_new_simple(sizeof(GClosure), n);
  g_closure_set_marshal(closure, NotifierMarshal);
  n->handler = g_signal_connect_closure_by_id(object, signal_id, detail, closure, FALSE);
  args.GetReturnValue().Set(Integer::New(isolate, all->Add(n)));
}

// notifyFlow(id, flow): the value the signal returns from now on (e.g. GST_FLOW_ERROR)
void NotifyFlow(const FunctionCallbackInfo<Value>& args) {
  Notifier* n = DataOf<Registry<Notifier>>(args)->Find(args[0]);
  if (n && args[1]->IsNumber()) n->flow.store(int(args[1].As<Number>()->Value()));
}

// unnotify(id): disconnects and closes
void Unnotify(const FunctionCallbackInfo<Value>& args) {
  if (Notifier* n = DataOf<Registry<Notifier>>(args)->Take(args[0])) Close(n);
}

}  // namespace

void InitNotify(Local<v8::Context> context, Local<Object> exports, Addon* addon) {
  auto* all = NewRegistry<Notifier>(addon, Close);
  SetMethod(context, exports, "notify", Notify, all);
  SetMethod(context, exports, "notifyFlow", NotifyFlow, all);
  SetMethod(context, exports, "unnotify", Unnotify, all);
}

}  // namespace gstts
