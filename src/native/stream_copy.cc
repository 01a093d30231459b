// Copies made on the streaming thread. A pad probe on an appsink's sink pad replaces each buffer,
// as it arrives, by a copy in gstreamer-ts frame memory that carries the buffer's flags, times
// and metas. The copy runs where the frame was just written and in parallel with JavaScript,
// the producer gets its buffer back at once (its pool stays small and in cache), and the JS
// thread hands the copy out as it is (TakeStreamCopy) instead of copying on its own time.
// Only frames whose copy is their bytes as they are (rows packed, host byte order) are copied
// here; any other frame passes untouched and the JS thread copies it as before. The measurements
// behind this are in docs/speed.md.

#include "stream_copy.h"

#include <gst/app/gstappsink.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "addon.h"
#include "frames.h"
#include "nodegtk.h"
#include "pool.h"
#include "util.h"

namespace gstts {

namespace {

GQuark CopyQuark() {
  static GQuark quark = g_quark_from_static_string("gstreamer-ts-stream-copy");
  return quark;
}

GQuark ProbeQuark() {
  static GQuark quark = g_quark_from_static_string("gstreamer-ts-stream-copy-probe");
  return quark;
}

// Frames at least this big are stored past the cache: the frame memory they land in was last
// written many frames ago (JS gives frames back only at garbage collection), so it is out of
// cache, and ordinary stores would first read every line of it from memory.
constexpr size_t kStreamingStoresFrom = 512 * 1024;

void CopyFrame(void* to, const void* from, size_t size) {
#if defined(__SSE2__)
  if (size >= kStreamingStoresFrom) {
    auto* d = static_cast<guint8*>(to);
    auto* s = static_cast<const guint8*>(from);
    size_t head = (16 - (reinterpret_cast<uintptr_t>(d) & 15)) & 15;
    memcpy(d, s, head);
    d += head, s += head, size -= head;
    for (; size >= 64; d += 64, s += 64, size -= 64) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16));
      __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 32));
      __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 48));
      _mm_stream_si128(reinterpret_cast<__m128i*>(d), a);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 16), b);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 32), c);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + 48), e);
    }
    memcpy(d, s, size);
    _mm_sfence();  // the JS thread reads the frame next
    return;
  }
#endif
  memcpy(to, from, size);
}

// The layout of the caps seen last (a stream keeps one GstCaps until it renegotiates).
struct CopyProbe {
  std::mutex lock;
  GstCaps* caps = nullptr;  // a reference: the pointer is not reused while held
  Layout layout;
  ~CopyProbe() {
    if (caps) gst_caps_unref(caps);
  }
};

void CurrentLayout(CopyProbe* probe, GstPad* pad, Layout* layout) {
  GstCaps* caps = gst_pad_get_current_caps(pad);
  std::lock_guard<std::mutex> guard(probe->lock);
  if (caps != probe->caps) {
    if (probe->caps) gst_caps_unref(probe->caps);
    probe->caps = caps ? gst_caps_ref(caps) : nullptr;
    ReadLayout(caps, &probe->layout);
  }
  if (caps) gst_caps_unref(caps);
  *layout = probe->layout;
}

struct FrameMemory {
  void* data;
  size_t size;
};

void GiveBack(gpointer data) {
  auto* memory = static_cast<FrameMemory*>(data);
  GiveFrameMemory(memory->data, memory->size);
  delete memory;
}

GstPadProbeReturn CopyOnStream(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr || gst_buffer_n_memory(buffer) != 1) return GST_PAD_PROBE_OK;
  Layout layout;
  CurrentLayout(static_cast<CopyProbe*>(data), pad, &layout);
  if (!CopyIsVerbatim(buffer, layout)) return GST_PAD_PROBE_OK;
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return GST_PAD_PROBE_OK;  // the JS thread reports it
  size_t size = map.size ? map.size : 1;
  void* bytes = TakeFrameMemory(size);
  CopyFrame(bytes, map.data, map.size);
  GstBuffer* copy = gst_buffer_new_wrapped_full(GstMemoryFlags(0), bytes, size, 0, map.size, new FrameMemory{bytes, size}, GiveBack);
  gst_buffer_unmap(buffer, &map);
  gst_buffer_copy_into(copy, buffer, GstBufferCopyFlags(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_META), 0,
                       size_t(-1));
  gst_mini_object_set_qdata(GST_MINI_OBJECT_CAST(copy), CopyQuark(), GINT_TO_POINTER(1), nullptr);
  CountCopiedBytes(gst_buffer_get_size(copy));
  gst_buffer_unref(buffer);
  GST_PAD_PROBE_INFO_DATA(info) = copy;
  return GST_PAD_PROBE_OK;
}

void DeleteProbe(gpointer data) { delete static_cast<CopyProbe*>(data); }

// copyOnStream(appsink): from now on frames reaching the appsink are copied on the streaming
// thread (once per appsink: later calls do nothing).
void CopyOnStreamMethod(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  GObject* sink = UnwrapObject(isolate, args[0], GST_TYPE_APP_SINK, "expected a GstApp.AppSink");
  if (!sink || g_object_get_qdata(sink, ProbeQuark())) return;
  GstPad* pad = gst_element_get_static_pad(GST_ELEMENT(sink), "sink");
  if (!pad) return;
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, CopyOnStream, new CopyProbe(), DeleteProbe);
  gst_object_unref(pad);
  g_object_set_qdata(sink, ProbeQuark(), GINT_TO_POINTER(1));
}

}  // namespace

v8::Local<v8::ArrayBuffer> TakeStreamCopy(v8::Isolate* isolate, GstBuffer* buffer, const Layout* layout) {
  if (layout ? !CopyIsVerbatim(buffer, *layout) : gst_buffer_n_memory(buffer) != 1) return {};
  // Stealing the mark is atomic (the object's lock): one caller takes the copy.
  if (gst_mini_object_steal_qdata(GST_MINI_OBJECT_CAST(buffer), CopyQuark()) == nullptr) return {};
  return ReadView(isolate, buffer);
}

void InitStreamCopy(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, Addon* addon) {
  SetMethod(context, exports, "copyOnStream", CopyOnStreamMethod, addon);
}

}  // namespace gstts
