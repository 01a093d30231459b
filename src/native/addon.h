// One instance of the addon per Node.js environment (the main thread, each worker thread):
// what the concerns given an Addon keep between calls lives here or in objects it tears down.
// module.cc creates it at registration and tears it down from an environment cleanup hook; Node
// waits until every libuv handle the concerns close has finished closing.
//
// Process-wide state remains where what it describes is process-wide in GStreamer: element.cc
// (a GType registered with gst_element_register lives until the process exits, so its classes,
// instances and the queue of frames for JS are file-level, served by the one environment that
// called elementInit, with their own cleanup hook and atexit), meta.cc's registered meta API
// and loop.cc's copy of node-gtk's GSource functions.
#pragma once

#include <node.h>
#include <uv.h>
#include <v8.h>

#include <functional>
#include <vector>

namespace gstts {

class Addon {
 public:
  Addon(v8::Isolate* isolate, v8::Local<v8::Context> context) : isolate_(isolate), context_(isolate, context) {}
  Addon(const Addon&) = delete;
  Addon& operator=(const Addon&) = delete;

  v8::Isolate* isolate() const { return isolate_; }
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }

  // True once the environment is going away: no more calls into JS.
  bool tearing_down() const { return tearing_down_; }

  // Registers what a concern does at teardown (close its handles, drop its references).
  void OnTeardown(std::function<void()> fn) { teardown_.push_back(std::move(fn)); }

  // Closes a libuv handle; `closed` runs in its close callback (typically frees the owner).
  // Teardown completes only when every handle closed this way has finished closing.
  template <typename Handle>
  void Close(Handle* handle, std::function<void()> closed) {
    auto* h = reinterpret_cast<uv_handle_t*>(handle);
    if (uv_is_closing(h)) return;
    BeginPending();
    h->data = new Closing{this, std::move(closed)};
    uv_close(h, [](uv_handle_t* h) {
      auto* c = static_cast<Closing*>(h->data);
      Addon* addon = c->addon;
      c->closed();
      delete c;
      addon->EndPending();
    });
  }

  // Something that finishes later on the loop (a handle closing, queued work): teardown waits
  // for it, and this instance outlives it.
  void BeginPending() { pending_++; }
  void EndPending() {
    pending_--;
    MaybeFinish();
  }

  // Called by module.cc's async cleanup hook; `done(arg)` runs when all handles are closed,
  // after which this instance is deleted.
  void Teardown(void (*done)(void*), void* arg) {
    tearing_down_ = true;
    done_ = done;
    done_arg_ = arg;
    for (auto it = teardown_.rbegin(); it != teardown_.rend(); ++it) (*it)();
    teardown_.clear();
    torn_down_ = true;
    MaybeFinish();
  }

  node::AsyncCleanupHookHandle cleanup_hook;

 private:
  struct Closing {
    Addon* addon;
    std::function<void()> closed;
  };

  void MaybeFinish() {
    if (!torn_down_ || pending_ > 0 || done_ == nullptr) return;
    auto done = done_;
    done_ = nullptr;
    done(done_arg_);
    delete this;
  }

  v8::Isolate* isolate_;
  v8::Global<v8::Context> context_;
  std::vector<std::function<void()>> teardown_;
  int pending_ = 0;
  bool tearing_down_ = false;
  bool torn_down_ = false;
  void (*done_)(void*) = nullptr;
  void* done_arg_ = nullptr;
};

// Runs `fn` as a callback from libuv into JS: inside the environment's context, with nextTicks
// and microtasks run when it returns (node::CallbackScope), as Node does for its own callbacks.
template <typename F>
void CallIntoJs(Addon* addon, const v8::Global<v8::Object>& resource, F fn) {
  if (addon->tearing_down()) return;
  v8::Isolate* isolate = addon->isolate();
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = addon->context();
  v8::Context::Scope context_scope(context);
  node::CallbackScope callback_scope(isolate, resource.Get(isolate), {0, 0});
  fn(isolate, context);
}

// Each concern adds its functions to `exports` (and its teardown to `addon`).
void InitNodeGtk(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitFrames(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitSamples(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitNotify(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitLoop(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitState(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitLog(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitStreamCopy(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitBus(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);
void InitSourceWatch(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon);

}  // namespace gstts
