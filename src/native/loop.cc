// GLib's default main context, driven from libuv's loop (prepare -> poll -> check -> dispatch),
// so bus watches and GLib sources run while Node's own loop stays in charge: no nested GLib
// main loop (docs/node-gtk.md, "Main loops").
//
// A script may also run a GLib.MainLoop of its own. node-gtk then attaches, once, a source to
// the default context that runs libuv from inside GLib (its prepare calls into JS, its dispatch
// runs uv_run). That source is for GLib's loop only: while this driver prepares the context it
// is told to sleep (adoptNodeGtkLoop swaps its functions for ones that check), libuv's own fd is
// never polled from libuv, and the driver stops at process 'exit', before Node's teardown.

#include <glib.h>

#include <unordered_map>
#include <vector>

#include "addon.h"
#include "util.h"

namespace gstts {

namespace {

struct Driver {
  Addon* addon = nullptr;
  GMainContext* context = nullptr;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_timer_t timer;
  std::vector<GPollFD> fds;
  std::unordered_map<int, uv_poll_t*> polls;
  gint max_priority = 0;
  bool prepared = false;
  int open_handles = 0;  // of prepare, check and timer, while closing
  v8::Global<Object> resource;
};

// This environment's driver, once startGLib() has run.
struct Loop {
  explicit Loop(Addon* a) : addon(a) {}
  Addon* addon;
  Driver* driver = nullptr;
};

// node-gtk's libuv-in-GLib source, once adopted: its own functions, called through ours.
const GSourceFuncs* node_gtk_funcs = nullptr;
// True on the thread whose driver is inside g_main_context_prepare (not during dispatch, where a
// handler may run a GLib.MainLoop that needs node-gtk's source awake).
thread_local bool driver_preparing = false;

gboolean AdoptedPrepare(GSource* source, gint* timeout) {
  if (driver_preparing) {
    *timeout = -1;
    return FALSE;
  }
  return node_gtk_funcs->prepare(source, timeout);
}

gboolean AdoptedDispatch(GSource* source, GSourceFunc callback, gpointer data) {
  if (driver_preparing) return G_SOURCE_CONTINUE;
  return node_gtk_funcs->dispatch(source, callback, data);
}

GSourceFuncs adopted_funcs = {AdoptedPrepare, nullptr, AdoptedDispatch, nullptr, nullptr, nullptr};

void NoopTimer(uv_timer_t*) {}
void NoopPoll(uv_poll_t*, int, int) {}

void ClosePoll(Addon* addon, uv_poll_t* poll) {
  uv_poll_stop(poll);
  addon->Close(poll, [poll] { delete poll; });
}

void DriverPrepare(uv_prepare_t* handle) {
  auto* d = static_cast<Driver*>(handle->data);
  d->prepared = false;
  if (g_main_depth() > 0) return;  // a GLib loop is running and drives libuv itself
  if (d->addon->tearing_down()) return;
  if (!g_main_context_acquire(d->context)) return;
  {
    // A source that calls into JS from its prepare (node-gtk's, if not adopted) finds a scope.
    v8::Isolate* isolate = d->addon->isolate();
    v8::HandleScope scope(isolate);
    v8::Context::Scope context_scope(d->addon->context());
    driver_preparing = true;
    g_main_context_prepare(d->context, &d->max_priority);
    driver_preparing = false;
  }
  gint timeout = -1;
  gint n = static_cast<gint>(d->fds.size());
  for (;;) {
    gint need = g_main_context_query(d->context, d->max_priority, &timeout, d->fds.data(), n);
    if (need <= n) {
      d->fds.resize(need);
      break;
    }
    d->fds.resize(need);
    n = need;
  }
  // Watch exactly the fds GLib asked for, but libuv's own (node-gtk's source polls it for GLib's loop).
  uv_loop_t* loop = d->prepare.loop;
  const int backend_fd = uv_backend_fd(loop);
  std::unordered_map<int, int> wanted;
  for (const GPollFD& p : d->fds) {
    if (p.fd == backend_fd) continue;
    int events = 0;
    if (p.events & (G_IO_IN | G_IO_PRI | G_IO_HUP | G_IO_ERR)) events |= UV_READABLE;
    if (p.events & G_IO_OUT) events |= UV_WRITABLE;
    wanted[p.fd] |= events;
  }
  for (auto it = d->polls.begin(); it != d->polls.end();) {
    if (wanted.count(it->first) == 0) {
      ClosePoll(d->addon, it->second);
      it = d->polls.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [fd, events] : wanted) {
    uv_poll_t*& poll = d->polls[fd];
    if (poll == nullptr) {
      poll = new uv_poll_t;
      if (uv_poll_init(loop, poll, fd) != 0) {  // not pollable by libuv: GLib's timeout still runs
        delete poll;
        d->polls.erase(fd);
        continue;
      }
      uv_unref(reinterpret_cast<uv_handle_t*>(poll));
    }
    uv_poll_start(poll, events ? events : UV_READABLE, NoopPoll);
  }
  if (timeout >= 0)
    uv_timer_start(&d->timer, NoopTimer, timeout, 0);
  else
    uv_timer_stop(&d->timer);
  d->prepared = true;
}

void DriverCheck(uv_check_t* handle) {
  auto* d = static_cast<Driver*>(handle->data);
  if (!d->prepared) return;
  d->prepared = false;
  for (GPollFD& p : d->fds) p.revents = 0;
  if (!d->fds.empty()) g_poll(d->fds.data(), d->fds.size(), 0);
  const int backend_fd = uv_backend_fd(d->check.loop);
  for (GPollFD& p : d->fds)
    if (p.fd == backend_fd) p.revents = 0;  // libuv's events are libuv's, not a GLib source's
  bool ready = g_main_context_check(d->context, d->max_priority, d->fds.data(), d->fds.size());
  if (ready) CallIntoJs(d->addon, d->resource, [&](v8::Isolate*, Local<v8::Context>) { g_main_context_dispatch(d->context); });
  g_main_context_release(d->context);
}

void StopDriver(Driver* d) {
  Addon* addon = d->addon;
  if (d->prepared) g_main_context_release(d->context);  // acquired in prepare, not yet released
  d->prepared = false;
  for (auto& [fd, poll] : d->polls) ClosePoll(addon, poll);
  d->polls.clear();
  d->resource.Reset();
  d->open_handles = 3;
  auto closed = [d] {
    if (--d->open_handles == 0) delete d;
  };
  addon->Close(&d->prepare, closed);
  addon->Close(&d->check, closed);
  addon->Close(&d->timer, closed);
}

// startGLib(): idempotent
void StartGLib(const FunctionCallbackInfo<Value>& args) {
  auto* loop_state = DataOf<Loop>(args);
  if (loop_state->driver) return;
  v8::Isolate* isolate = args.GetIsolate();
  auto* d = new Driver();
  d->addon = loop_state->addon;
  d->context = g_main_context_default();
  d->resource.Reset(isolate, Object::New(isolate));
  uv_loop_t* loop = node::GetCurrentEventLoop(isolate);
  uv_prepare_init(loop, &d->prepare);
  uv_check_init(loop, &d->check);
  uv_timer_init(loop, &d->timer);
  d->prepare.data = d;
  d->check.data = d;
  uv_prepare_start(&d->prepare, DriverPrepare);
  uv_check_start(&d->check, DriverCheck);
  uv_unref(reinterpret_cast<uv_handle_t*>(&d->prepare));
  uv_unref(reinterpret_cast<uv_handle_t*>(&d->check));
  uv_unref(reinterpret_cast<uv_handle_t*>(&d->timer));
  loop_state->driver = d;
}

// stopGLib(): at process 'exit' (src/gi.js), so that nothing is dispatched once JS is gone.
void StopGLib(const FunctionCallbackInfo<Value>& args) {
  auto* loop_state = DataOf<Loop>(args);
  if (loop_state->driver == nullptr) return;
  StopDriver(loop_state->driver);
  loop_state->driver = nullptr;
}

// adoptNodeGtkLoop(start): calls node-gtk's loop start; the one source it attaches to the default
// context (its libuv-in-GLib source) gets functions that keep it asleep while this driver
// prepares. Returns whether it was adopted (false: started before, or not one source).
void AdoptNodeGtkLoop(const FunctionCallbackInfo<Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsFunction()) return ThrowType(isolate, "adoptNodeGtkLoop(start): start must be a function");
  GMainContext* context = g_main_context_default();
  auto marker = [context] {
    GSource* s = g_idle_source_new();
    guint id = g_source_attach(s, context);
    g_source_destroy(s);
    g_source_unref(s);
    return id;
  };
  guint before = marker();
  v8::Local<v8::Value> result;
  if (!args[0].As<v8::Function>()->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), 0, nullptr).ToLocal(&result)) return;
  guint after = marker();
  GSource* found = nullptr;
  int count = 0;
  for (guint id = before + 1; id < after; id++) {
    GSource* s = g_main_context_find_source_by_id(context, id);
    if (s == nullptr) continue;
    found = s;
    count++;
  }
  bool adopted = false;
  if (count == 1 && found->source_funcs != &adopted_funcs && found->source_funcs->prepare && found->source_funcs->dispatch &&
      (node_gtk_funcs == nullptr || node_gtk_funcs == found->source_funcs)) {
    node_gtk_funcs = found->source_funcs;
    found->source_funcs = &adopted_funcs;
    adopted = true;
  }
  args.GetReturnValue().Set(adopted);
}

}  // namespace

void InitLoop(Local<v8::Context> context, Local<Object> exports, Addon* addon) {
  auto* loop_state = new Loop(addon);
  addon->OnTeardown([loop_state] {
    if (loop_state->driver) StopDriver(loop_state->driver);
    delete loop_state;
  });
  SetMethod(context, exports, "startGLib", StartGLib, loop_state);
  SetMethod(context, exports, "stopGLib", StopGLib, loop_state);
  SetMethod(context, exports, "adoptNodeGtkLoop", AdoptNodeGtkLoop, loop_state);
}

}  // namespace gstts
