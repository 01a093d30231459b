// State changes and end-of-stream off the JS thread.
//
// Going to NULL waits for the streaming threads to stop; a streaming thread may be waiting for
// the JS thread (node-gtk runs a JS handler of a streaming-thread signal by blocking until the
// JS thread is free: docs/node-gtk.md, "Cross-thread signals"). Changing the state on a worker
// thread keeps the JS thread free to answer.

#include "addon.h"
#include "nodegtk.h"
#include "util.h"

namespace gstts {

namespace {

struct StateWork {
  Addon* addon;
  uv_work_t request;
  GstElement* element;
  GstState state;
  GstEvent* event = nullptr;  // set: send this event instead of changing the state
  int result = GST_STATE_CHANGE_FAILURE;
  v8::Global<v8::Promise::Resolver> resolver;
  v8::Global<Object> resource;
};

// On a worker thread: the state change, or sending the event (end of stream waits for the
// streaming thread's lock, which a streaming thread blocked in a full appsink holds). The
// promise resolves on the JS thread; at teardown the work still finishes (Node's loop runs until
// it has), and only the promise is left unresolved.
void QueueElementWork(const FunctionCallbackInfo<Value>& args, GstEvent* event) {
  Isolate* isolate = args.GetIsolate();
  GObject* element = UnwrapObject(isolate, args[0], GST_TYPE_ELEMENT, "expected a Gst.Element");
  if (!element) {
    if (event) gst_event_unref(event);
    return;
  }
  auto resolver = v8::Promise::Resolver::New(isolate->GetCurrentContext()).ToLocalChecked();
  auto* work = new StateWork();
  work->addon = DataOf<Addon>(args);
  work->addon->BeginPending();
  work->request.data = work;
  work->element = GST_ELEMENT(g_object_ref(element));
  work->event = event;
  work->state = event ? GST_STATE_VOID_PENDING : GstState(int(args[1].As<Number>()->Value()));
  work->resolver.Reset(isolate, resolver);
  work->resource.Reset(isolate, Object::New(isolate));
  uv_queue_work(
      node::GetCurrentEventLoop(isolate), &work->request,
      [](uv_work_t* req) {
        auto* w = static_cast<StateWork*>(req->data);
        w->result = w->event ? int(gst_element_send_event(w->element, w->event))  // takes the event
                             : int(gst_element_set_state(w->element, w->state));
      },
      [](uv_work_t* req, int) {
        auto* w = static_cast<StateWork*>(req->data);
        CallIntoJs(w->addon, w->resource, [&](Isolate* isolate, Local<v8::Context> context) {
          w->resolver.Get(isolate)->Resolve(context, Integer::New(isolate, w->result)).Check();
        });
        gst_object_unref(w->element);
        Addon* addon = w->addon;
        delete w;
        addon->EndPending();
      });
  args.GetReturnValue().Set(resolver->GetPromise());
}

// setStateAsync(element, state): Promise<Gst.StateChangeReturn>
void SetStateAsync(const FunctionCallbackInfo<Value>& args) {
  if (!args[1]->IsNumber()) {
    ThrowType(args.GetIsolate(), "setStateAsync(element, state)");
    return;
  }
  QueueElementWork(args, nullptr);
}

// sendEosAsync(element): Promise<number> (1 when an element handled the event)
void SendEosAsync(const FunctionCallbackInfo<Value>& args) { QueueElementWork(args, gst_event_new_eos()); }

}  // namespace

void InitState(Local<v8::Context> context, Local<Object> exports, Addon* addon) {
  SetMethod(context, exports, "setStateAsync", SetStateAsync, addon);
  SetMethod(context, exports, "sendEosAsync", SendEosAsync, addon);
}

}  // namespace gstts
