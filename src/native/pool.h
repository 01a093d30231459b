// ArrayBuffers whose bytes belong to gstreamer-ts: recycled frame memory (copies) or a mapping of
// a GstBuffer / GstMemory (views). Process-wide on purpose: V8 frees backing stores on any
// thread, possibly after the environment that made them is gone, and gives no environment back.
#pragma once

#include <gst/gst.h>
#include <v8.h>

#include <atomic>
#include <cstddef>

namespace gstts {

// Frame-sized memory is recycled: a fresh allocation of megabytes costs a page fault per 4 KiB
// (about as much as the copy itself), and JS frees frames late, at garbage collection.
void* TakeFrameMemory(size_t size);
void GiveFrameMemory(void* data, size_t size);

// What an ArrayBuffer made here holds. Its resources go back either when JS releases it
// (ReleaseArrayBuffer, at once) or when V8 collects it, whichever comes first, exactly once.
struct Holder {
  void* data = nullptr;  // frame memory, for copies
  size_t size = 0;
  GstBuffer* buffer = nullptr;  // for buffer views
  GstMemory* memory = nullptr;  // for memory views
  GstMapInfo map;
  bool owns_ref = false;  // the view holds a reference of its own
  std::atomic<bool> released{false};
  const v8::BackingStore* store = nullptr;
};

// An ArrayBuffer over `size` bytes of frame memory (from TakeFrameMemory), owned by JS.
v8::Local<v8::ArrayBuffer> OwnedArrayBuffer(v8::Isolate* isolate, void* data, size_t size);
// An ArrayBuffer over the mapping in `holder` (buffer or memory set, map filled).
v8::Local<v8::ArrayBuffer> ViewArrayBuffer(v8::Isolate* isolate, Holder* holder);
// An ArrayBuffer over `buffer` mapped for reading that holds a reference of its own (so it may
// outlive the caller's); empty when the buffer cannot be mapped.
v8::Local<v8::ArrayBuffer> ReadView(v8::Isolate* isolate, GstBuffer* buffer);
// Detaches `value` and gives back what it holds, if it is one of ours; otherwise does nothing.
void ReleaseArrayBuffer(v8::Local<v8::Value> value);

}  // namespace gstts
