// Frames between GStreamer and JS: copies (one memcpy into recycled memory), zero-copy views
// over mapped memory, releasing them, and bytes into GStreamer.

#include "frames.h"

#include <gst/app/gstappsrc.h>

#include <atomic>
#include <cstring>
#include <string>

#include "addon.h"
#include "nodegtk.h"
#include "pool.h"
#include "stream_copy.h"
#include "util.h"

namespace gstts {

using v8::Array;

namespace {
// Bytes of every copy made so far (all threads, all environments): the JS side collects young
// garbage once enough frames were copied since the last collection (src/samples.ts).
std::atomic<double> copied_bytes{0};
// The same, by the calling thread alone (what a JS handler copied, whatever streaming threads do).
thread_local double thread_copied_bytes = 0;
}  // namespace

void CountCopiedBytes(size_t size) {
  copied_bytes.fetch_add(double(size), std::memory_order_relaxed);
  thread_copied_bytes += double(size);
}

// The planes of a planar frame, each packed tight, into *result (empty with an exception thrown
// when the buffer cannot be read). False when the format's planes are not rows of whole pixels:
// the caller then copies the bytes as they are.
bool CopyPlanes(Isolate* isolate, GstBuffer* buffer, const Layout* layout, Local<Value>* result) {
  const GstVideoInfo* info = &layout->info;
  guint planes = GST_VIDEO_INFO_N_PLANES(info);
  size_t row_bytes[GST_VIDEO_MAX_PLANES], rows[GST_VIDEO_MAX_PLANES], size = 0;
  for (guint p = 0; p < planes; p++) {
    if (!PlaneRows(info, p, &row_bytes[p], &rows[p])) return false;
    size += row_bytes[p] * rows[p];
  }
  GstVideoFrame frame;
  // The frame map honours the buffer's GstVideoMeta (its own strides and offsets) when it has one.
  if (!gst_video_frame_map(&frame, const_cast<GstVideoInfo*>(info), buffer, GST_MAP_READ)) {
    ThrowError(isolate, "buffer does not hold a frame of its caps (gst_video_frame_map failed)");
    *result = Local<Value>();
    return true;
  }
  auto* out = static_cast<guint8*>(TakeFrameMemory(size ? size : 1));
  guint8* to = out;
  for (guint p = 0; p < planes; p++) {
    const guint8* from = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
    size_t stride = size_t(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p));
    for (size_t r = 0; r < rows[p]; r++, to += row_bytes[p]) memcpy(to, from + r * stride, row_bytes[p]);
  }
  gst_video_frame_unmap(&frame);
  CountCopiedBytes(size);
  *result = OwnedArrayBuffer(isolate, out, size);
  return true;
}

Local<Value> CopyBytes(Isolate* isolate, GstBuffer* buffer, const Layout* layout) {
  // The streaming thread may have made this copy already (stream_copy.cc).
  Local<v8::ArrayBuffer> taken = TakeStreamCopy(isolate, buffer, layout);
  if (!taken.IsEmpty()) return taken;
  // Planar: each plane's rows packed tight, one plane after the other (padding between rows and
  // planes is not copied: it may be memory nobody wrote).
  Local<Value> planar;
  if (layout && !layout->packed && GST_VIDEO_INFO_N_PLANES(&layout->info) > 1 && CopyPlanes(isolate, buffer, layout, &planar))
    return planar;
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    ThrowError(isolate, "gst_buffer_map(READ) failed");
    return Local<Value>();
  }
  void* data = nullptr;
  size_t size = map.size;
  if (layout && layout->packed) {
    const GstVideoInfo* info = &layout->info;
    size_t stride = GST_VIDEO_INFO_PLANE_STRIDE(info, 0);
    size_t offset = GST_VIDEO_INFO_PLANE_OFFSET(info, 0);
    size_t rows = GST_VIDEO_INFO_HEIGHT(info);
    size_t row_bytes = layout->row_bytes;
    if (stride != row_bytes || offset != 0) {
      size_t need = offset + (rows ? (rows - 1) * stride + row_bytes : 0);
      if (need > map.size) {
        gst_buffer_unmap(buffer, &map);
        ThrowError(isolate, "buffer holds " + std::to_string(map.size) + " bytes, caps need " + std::to_string(need));
        return Local<Value>();
      }
      size = rows * row_bytes;
      data = TakeFrameMemory(size ? size : 1);
      for (size_t r = 0; r < rows; r++) memcpy(static_cast<guint8*>(data) + r * row_bytes, map.data + offset + r * stride, row_bytes);
    }
  }
  if (data == nullptr) {
    data = TakeFrameMemory(size ? size : 1);
    memcpy(data, map.data, size);
  }
  gst_buffer_unmap(buffer, &map);
  CountCopiedBytes(size);
  return OwnedArrayBuffer(isolate, data, size);
}

namespace {

// copiedBytes(): number, bytes copied into JS-owned frames since the process started, by every thread
void CopiedBytes(const FunctionCallbackInfo<Value>& args) { args.GetReturnValue().Set(copied_bytes.load(std::memory_order_relaxed)); }

// copiedBytesOnThisThread(): number, the same by the calling thread only
void CopiedBytesOnThisThread(const FunctionCallbackInfo<Value>& args) { args.GetReturnValue().Set(thread_copied_bytes); }

// copyBuffer(buffer: Gst.Buffer): ArrayBuffer, all of its bytes
void CopyBuffer(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  Local<Value> result = CopyBytes(isolate, buffer, nullptr);
  if (!result.IsEmpty()) args.GetReturnValue().Set(result);
}

// copyVideo(buffer, caps): [ArrayBuffer, VideoLayout | null]: the bytes (rows packed) and the layout
void CopyVideo(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  GstCaps* caps = UnwrapCaps(isolate, args[1]);
  if (!caps) return;
  Layout layout;
  Local<Value> layout_object = DataOf<LayoutCache>(args)->Get(isolate, caps, &layout);
  Local<Value> bytes = CopyBytes(isolate, buffer, layout.video ? &layout : nullptr);
  if (bytes.IsEmpty()) return;
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Array> result = Array::New(isolate, 2);
  result->Set(context, 0, bytes).Check();
  result->Set(context, 1, layout_object).Check();
  args.GetReturnValue().Set(result);
}

// videoLayout(caps: Gst.Caps): VideoLayout | null
void VideoLayout(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstCaps* caps = UnwrapCaps(isolate, args[0]);
  if (!caps) return;
  Layout layout;
  if (!ReadLayout(caps, &layout)) {
    args.GetReturnValue().SetNull();
    return;
  }
  args.GetReturnValue().Set(LayoutObject(isolate, layout));
}

// mapBuffer(buffer, { write, keepAlive }): ArrayBuffer, unmapped by its deleter
// or release(). keepAlive takes a reference (a view that may outlive the caller's wrapper); it
// is only allowed for read mappings, since the extra reference would make the buffer non-writable.
void MapBuffer(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  bool write = BoolOption(isolate, args[1], "write");
  bool keep = BoolOption(isolate, args[1], "keepAlive") && !write;
  if (write && !gst_mini_object_is_writable(GST_MINI_OBJECT_CAST(buffer))) {
    ThrowError(isolate, "cannot map a non-writable Gst.Buffer for WRITE (it has other references or is read-only)");
    return;
  }
  auto* m = new Holder();
  m->buffer = buffer;
  if (!gst_buffer_map(buffer, &m->map, write ? GstMapFlags(GST_MAP_READ | GST_MAP_WRITE) : GST_MAP_READ)) {
    delete m;
    ThrowError(isolate, write ? "gst_buffer_map(WRITE) failed" : "gst_buffer_map(READ) failed");
    return;
  }
  if (keep) {
    gst_buffer_ref(buffer);
    m->owns_ref = true;
  }
  args.GetReturnValue().Set(ViewArrayBuffer(isolate, m));
}

// mapMemory(memory, { write }): ArrayBuffer
void MapMemory(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstMemory* memory = UnwrapMemory(isolate, args[0]);
  if (!memory) return;
  bool write = BoolOption(isolate, args[1], "write");
  if (write && !gst_memory_is_writable(memory)) {
    ThrowError(isolate, "cannot map a non-writable Gst.Memory for WRITE (it is shared or read-only)");
    return;
  }
  auto* m = new Holder();
  m->memory = memory;
  if (!gst_memory_map(memory, &m->map, write ? GstMapFlags(GST_MAP_READ | GST_MAP_WRITE) : GST_MAP_READ)) {
    delete m;
    ThrowError(isolate, write ? "gst_memory_map(WRITE) failed" : "gst_memory_map(READ) failed");
    return;
  }
  args.GetReturnValue().Set(ViewArrayBuffer(isolate, m));
}

// release(arrayBuffer): detaches it and gives back what it holds now (unmap, unref, recycle).
void Release(const FunctionCallbackInfo<Value>& args) { ReleaseArrayBuffer(args[0]); }

// ---------------------------------------------------------------------------------------------
// bytes into GStreamer

bool BytesOf(Local<Value> value, const guint8** data, size_t* size) {
  if (value->IsArrayBufferView()) {
    Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    *data = static_cast<const guint8*>(view->Buffer()->Data()) + view->ByteOffset();
    *size = view->ByteLength();
    return true;
  }
  if (value->IsArrayBuffer()) {
    Local<v8::ArrayBuffer> ab = value.As<v8::ArrayBuffer>();
    *data = static_cast<const guint8*>(ab->Data());
    *size = ab->ByteLength();
    return true;
  }
  return false;
}

GstClockTime ToClockTime(double v) { return v < 0 ? GST_CLOCK_TIME_NONE : GstClockTime(v); }

// pts, dts, duration, offset from args[first..first+3] (a negative number or a non-number: none)
void SetTimes(GstBuffer* buffer, const FunctionCallbackInfo<Value>& args, int first) {
  GST_BUFFER_PTS(buffer) = ToClockTime(NumberOr(args[first], -1));
  GST_BUFFER_DTS(buffer) = ToClockTime(NumberOr(args[first + 1], -1));
  GST_BUFFER_DURATION(buffer) = ToClockTime(NumberOr(args[first + 2], -1));
  double offset = NumberOr(args[first + 3], -1);
  GST_BUFFER_OFFSET(buffer) = offset < 0 ? GST_BUFFER_OFFSET_NONE : guint64(offset);
}

// fillBuffer(buffer, bytes, pts, dts, duration, offset): copies the bytes into a node-gtk-made
// buffer of the same size (so node-gtk owns the wrapper) and sets its times.
void FillBuffer(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  const guint8* data;
  size_t size;
  if (!BytesOf(args[1], &data, &size)) {
    ThrowType(isolate, "expected a TypedArray, DataView or ArrayBuffer");
    return;
  }
  if (gst_buffer_get_size(buffer) != size) {
    ThrowError(isolate, "buffer size differs from the byte count");
    return;
  }
  gst_buffer_fill(buffer, 0, data, size);
  SetTimes(buffer, args, 2);
}

// pushBytes(appsrc, bytes, pts, dts, duration, offset): Gst.FlowReturn as a number
void PushBytes(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GObject* src = UnwrapObject(isolate, args[0], GST_TYPE_APP_SRC, "expected a GstApp.AppSrc");
  if (!src) return;
  const guint8* data;
  size_t size;
  if (!BytesOf(args[1], &data, &size)) {
    ThrowType(isolate, "expected a TypedArray, DataView or ArrayBuffer");
    return;
  }
  GstBuffer* buffer = gst_buffer_new_memdup(data, size);
  SetTimes(buffer, args, 2);
  GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(src), buffer);
  args.GetReturnValue().Set(Integer::New(isolate, flow));
}

}  // namespace

void InitFrames(Local<v8::Context> context, Local<v8::Object> exports, Addon* addon) {
  auto* cache = new LayoutCache();
  addon->OnTeardown([cache] { delete cache; });
  SetMethod(context, exports, "copyBuffer", CopyBuffer, cache);
  SetMethod(context, exports, "copiedBytes", CopiedBytes, cache);
  SetMethod(context, exports, "copiedBytesOnThisThread", CopiedBytesOnThisThread, cache);
  SetMethod(context, exports, "videoLayout", VideoLayout, cache);
  SetMethod(context, exports, "copyVideo", CopyVideo, cache);
  SetMethod(context, exports, "mapBuffer", MapBuffer, cache);
  SetMethod(context, exports, "mapMemory", MapMemory, cache);
  SetMethod(context, exports, "release", Release, cache);
  SetMethod(context, exports, "fillBuffer", FillBuffer, cache);
  SetMethod(context, exports, "pushBytes", PushBytes, cache);
}

}  // namespace gstts
