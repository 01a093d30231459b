// gstreamer-ts native part: the few things node-gtk cannot do fast or at all.
//
//  * buffer bytes <-> ArrayBuffers (one memcpy, or a zero-copy view over mapped memory);
//  * video layout from caps (so helpers can pack padded rows);
//  * signal notifiers: a C handler on GStreamer's streaming thread that only counts and wakes
//    the JS thread (never blocks GStreamer on JS, unlike node-gtk's cross-thread signals);
//  * a driver that iterates GLib's default main context from libuv's loop, so bus watches and
//    GLib sources run while Node's own loop stays in charge (no nested main loop).
//
// node-gtk keeps the C pointer of a wrapped boxed/GObject in V8 internal field 0 (NOTES fact 14).
// That is node-gtk's private layout: every unwrap checks the field count and the GType of what it
// finds, and the TypeScript side checks `instanceof` before calling in.

#include <node.h>
#include <uv.h>
#include <v8.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <sys/mman.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

using v8::Array;
using v8::ArrayBuffer;
using v8::BackingStore;
using v8::Context;
using v8::Function;
using v8::FunctionCallbackInfo;
using v8::HandleScope;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::String;
using v8::Value;

namespace {

// ---------------------------------------------------------------------------------------------
// small helpers

Local<String> Str(Isolate* isolate, const char* s) {
  return String::NewFromUtf8(isolate, s).ToLocalChecked();
}

void ThrowType(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::TypeError(Str(isolate, message)));
}

void ThrowError(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::Error(Str(isolate, message)));
}

void Set(Isolate* isolate, Local<Object> obj, const char* key, Local<Value> value) {
  obj->Set(isolate->GetCurrentContext(), Str(isolate, key), value).Check();
}

// The C pointer inside a node-gtk wrapper, or nullptr when `value` is not one.
void* Unwrap(Local<Value> value) {
  if (!value->IsObject()) return nullptr;
  Local<Object> obj = value.As<Object>();
  if (obj->InternalFieldCount() < 1) return nullptr;
  return obj->GetAlignedPointerFromInternalField(0);
}

// node-gtk wraps boxed types (GstBuffer, GstCaps, GstMemory...) with two internal fields and
// GObjects with one: checking the count first keeps a GObject from being read as a boxed.
int InternalFields(Local<Value> value) {
  return value->IsObject() ? value.As<Object>()->InternalFieldCount() : 0;
}

GstMiniObject* UnwrapMini(Local<Value> value, GType type) {
  if (InternalFields(value) != 2) return nullptr;
  auto* mini = static_cast<GstMiniObject*>(Unwrap(value));
  if (mini == nullptr || mini->type != type) return nullptr;
  return mini;
}

GstBuffer* UnwrapBuffer(Isolate* isolate, Local<Value> value) {
  auto* buffer = reinterpret_cast<GstBuffer*>(UnwrapMini(value, GST_TYPE_BUFFER));
  if (buffer == nullptr) ThrowType(isolate, "expected a Gst.Buffer");
  return buffer;
}

GstCaps* UnwrapCaps(Isolate* isolate, Local<Value> value) {
  auto* caps = reinterpret_cast<GstCaps*>(UnwrapMini(value, GST_TYPE_CAPS));
  if (caps == nullptr) ThrowType(isolate, "expected a Gst.Caps");
  return caps;
}

GObject* UnwrapObject(Isolate* isolate, Local<Value> value, GType type, const char* what) {
  void* ptr = InternalFields(value) == 1 ? Unwrap(value) : nullptr;
  if (ptr == nullptr || !G_TYPE_CHECK_INSTANCE_TYPE(ptr, type)) {
    ThrowType(isolate, what);
    return nullptr;
  }
  return G_OBJECT(ptr);
}

// Frame-sized memory is recycled: a fresh allocation of megabytes costs a page fault per 4 KiB
// (about as much as the copy itself), and JS frees frames late, at garbage collection. The
// deleter may run on any thread (V8 frees backing stores in the background), hence the lock.
class FramePool {
 public:
  void* Take(size_t size) {
    if (size >= kMinPooled) {
      std::lock_guard<std::mutex> guard(lock_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* data = it->second.back();
        it->second.pop_back();
        pooled_ -= size;
        return data;
      }
    }
    return size >= kMinPooled ? MapPages(size) : g_malloc(size);
  }

  void Give(void* data, size_t size) {
    if (size < kMinPooled) return g_free(data);
    {
      std::lock_guard<std::mutex> guard(lock_);
      if (pooled_ + size <= kMaxPooled) {
        free_[size].push_back(data);
        pooled_ += size;
        return;
      }
    }
    munmap(data, size);
  }

 private:
  // Frame-sized blocks come straight from the kernel and go straight back: through malloc, the
  // freed megabytes stayed in the heap (RSS grew by hundreds of MB over a long 1080p stream).
  static void* MapPages(size_t size) {
    void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) g_error("gstreamer-ts: cannot map %zu bytes", size);
    return data;
  }

  static constexpr size_t kMinPooled = 64 * 1024;
  static constexpr size_t kMaxPooled = 64 * 1024 * 1024;
  std::mutex lock_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t pooled_ = 0;
};

FramePool* pool = new FramePool();  // never destroyed: deleters may run during process exit

// What an ArrayBuffer made here holds: pool memory (a copy) or a mapping of a GstBuffer /
// GstMemory (a view). Its resources go back either when JS releases it (release(), at once) or
// when V8 collects it, whichever comes first; `released` makes sure that happens once.
struct Holder {
  void* data = nullptr;         // pool memory, for copies
  size_t size = 0;
  GstBuffer* buffer = nullptr;  // for buffer views
  GstMemory* memory = nullptr;  // for memory views
  GstMapInfo map;
  bool owns_ref = false;        // the view holds a reference of its own
  std::atomic<bool> released{false};
  const BackingStore* store = nullptr;
};

// V8 does not give a backing store's deleter data back, and a detached store is freed only at
// the next collection: release() finds the holder here to free its resources at once.
std::mutex holders_lock;
std::unordered_map<const BackingStore*, Holder*> holders;

void FreeHolderResources(Holder* h) {
  if (h->released.exchange(true)) return;
  if (h->buffer) {
    gst_buffer_unmap(h->buffer, &h->map);
    if (h->owns_ref) gst_buffer_unref(h->buffer);
  } else if (h->memory) {
    gst_memory_unmap(h->memory, &h->map);
    if (h->owns_ref) gst_memory_unref(h->memory);
  } else {
    pool->Give(h->data, h->size);
  }
}

void HolderDeleter(void*, size_t, void* data) {
  auto* h = static_cast<Holder*>(data);
  {
    std::lock_guard<std::mutex> guard(holders_lock);
    holders.erase(h->store);
  }
  FreeHolderResources(h);
  delete h;
}

Local<ArrayBuffer> HolderArrayBuffer(Isolate* isolate, Holder* h, void* data, size_t size) {
  static guint8 empty;  // V8 wants a valid pointer even for zero bytes
  auto store = ArrayBuffer::NewBackingStore(size ? data : &empty, size, HolderDeleter, h);
  h->store = store.get();
  {
    std::lock_guard<std::mutex> guard(holders_lock);
    holders[h->store] = h;
  }
  return ArrayBuffer::New(isolate, std::shared_ptr<BackingStore>(std::move(store)));
}

Local<ArrayBuffer> OwnedArrayBuffer(Isolate* isolate, void* data, size_t size) {
  auto* h = new Holder();
  h->data = data;
  h->size = size;
  return HolderArrayBuffer(isolate, h, data, size);
}

// ---------------------------------------------------------------------------------------------
// video layout

struct Layout {
  bool video = false;      // caps parsed as raw video
  bool packed = false;     // one plane: rows can be packed to width * pixel stride
  GstVideoInfo info;
  size_t row_bytes = 0;    // bytes of pixels in one row (packed formats)
};

bool ReadLayout(GstCaps* caps, Layout* out) {
  gst_video_info_init(&out->info);
  if (caps == nullptr || !gst_video_info_from_caps(&out->info, caps)) return false;
  // Encoded video (image/png, video/x-h264...) parses too, as format ENCODED: not raw frames.
  if (GST_VIDEO_INFO_FORMAT(&out->info) == GST_VIDEO_FORMAT_ENCODED) return false;
  out->video = true;
  const GstVideoFormatInfo* finfo = out->info.finfo;
  out->packed = GST_VIDEO_FORMAT_INFO_N_PLANES(finfo) == 1 && !GST_VIDEO_FORMAT_INFO_IS_COMPLEX(finfo) &&
                GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, 0) > 0;
  if (out->packed) out->row_bytes = size_t(GST_VIDEO_INFO_WIDTH(&out->info)) * GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, 0);
  return true;
}

Local<Object> LayoutObject(Isolate* isolate, const Layout& layout) {
  Local<Object> obj = Object::New(isolate);
  const GstVideoInfo* info = &layout.info;
  Set(isolate, obj, "format", Str(isolate, gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(info))));
  Set(isolate, obj, "width", Integer::New(isolate, GST_VIDEO_INFO_WIDTH(info)));
  Set(isolate, obj, "height", Integer::New(isolate, GST_VIDEO_INFO_HEIGHT(info)));
  Set(isolate, obj, "size", Number::New(isolate, double(GST_VIDEO_INFO_SIZE(info))));
  Set(isolate, obj, "fpsN", Integer::New(isolate, GST_VIDEO_INFO_FPS_N(info)));
  Set(isolate, obj, "fpsD", Integer::New(isolate, GST_VIDEO_INFO_FPS_D(info)));
  Set(isolate, obj, "packed", v8::Boolean::New(isolate, layout.packed));
  Set(isolate, obj, "rowBytes", Number::New(isolate, double(layout.row_bytes)));
  guint planes = GST_VIDEO_INFO_N_PLANES(info);
  Local<Array> strides = Array::New(isolate, planes);
  Local<Array> offsets = Array::New(isolate, planes);
  for (guint i = 0; i < planes; i++) {
    strides->Set(isolate->GetCurrentContext(), i, Integer::New(isolate, GST_VIDEO_INFO_PLANE_STRIDE(info, i))).Check();
    offsets->Set(isolate->GetCurrentContext(), i, Number::New(isolate, double(GST_VIDEO_INFO_PLANE_OFFSET(info, i)))).Check();
  }
  Set(isolate, obj, "strides", strides);
  Set(isolate, obj, "offsets", offsets);
  return obj;
}

// Copies a buffer's bytes into a new JS-owned ArrayBuffer. With a packed video layout whose
// rows are padded, the rows are packed (width * pixel stride bytes each), so that element
// [row, column, channel] is where a [height, width, channels] reader expects it.
Local<Value> CopyBytes(Isolate* isolate, GstBuffer* buffer, const Layout* layout) {
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
        std::string msg = "buffer holds " + std::to_string(map.size) + " bytes, caps need " + std::to_string(need);
        ThrowError(isolate, msg.c_str());
        return Local<Value>();
      }
      size = rows * row_bytes;
      data = pool->Take(size ? size : 1);
      for (size_t r = 0; r < rows; r++)
        memcpy(static_cast<guint8*>(data) + r * row_bytes, map.data + offset + r * stride, row_bytes);
    }
  }
  if (data == nullptr) {
    data = pool->Take(size ? size : 1);
    memcpy(data, map.data, size);
  }
  gst_buffer_unmap(buffer, &map);
  return OwnedArrayBuffer(isolate, data, size);
}

// copyBuffer(buffer: Gst.Buffer): ArrayBuffer, all of its bytes
void CopyBuffer(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  Local<Value> result = CopyBytes(isolate, buffer, nullptr);
  if (!result.IsEmpty()) args.GetReturnValue().Set(result);
}

// The layout object of the caps seen last, reused while frames keep coming with the same caps
// (an appsink hands out one GstCaps for a whole stream). The caps reference keeps the pointer
// from being reused by other caps.
GstCaps* last_caps = nullptr;
Layout last_layout;
// On the heap and never destroyed: a static Global's destructor would run after V8 is gone.
v8::Global<Value>& last_layout_object = *new v8::Global<Value>();

Local<Value> CachedLayout(Isolate* isolate, GstCaps* caps, Layout* layout) {
  if (caps != last_caps || last_layout_object.IsEmpty()) {
    Layout fresh;
    bool video = ReadLayout(caps, &fresh);
    gst_caps_replace(&last_caps, caps);
    last_layout = fresh;
    last_layout_object.Reset(isolate, video ? Local<Value>(LayoutObject(isolate, fresh)) : Local<Value>(v8::Null(isolate)));
  }
  *layout = last_layout;
  return last_layout_object.Get(isolate);
}

// copyVideo(buffer, caps): [ArrayBuffer, VideoLayout | null]: the bytes (rows packed) and the layout
void CopyVideo(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  GstCaps* caps = UnwrapCaps(isolate, args[1]);
  if (!caps) return;
  Layout layout;
  Local<Value> layout_object = CachedLayout(isolate, caps, &layout);
  Local<Value> bytes = CopyBytes(isolate, buffer, layout.video ? &layout : nullptr);
  if (bytes.IsEmpty()) return;
  Local<Array> result = Array::New(isolate, 2);
  result->Set(isolate->GetCurrentContext(), 0, bytes).Check();
  result->Set(isolate->GetCurrentContext(), 1, layout_object).Check();
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

// ---------------------------------------------------------------------------------------------
// mapped views: ArrayBuffers over mapped GstBuffer / GstMemory, unmapped by their deleter

Local<ArrayBuffer> ViewArrayBuffer(Isolate* isolate, Holder* h) {
  return HolderArrayBuffer(isolate, h, h->map.data, h->map.size);
}

// mapBuffer(buffer, write: boolean, keepAlive: boolean): ArrayBuffer
// keepAlive takes a reference (a view that may outlive the caller's wrapper); it is only
// allowed for read mappings, since the extra reference would make the buffer non-writable.
void MapBuffer(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  bool write = args[1]->IsTrue();
  bool keep = args[2]->IsTrue() && !write;
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

// mapMemory(memory, write: boolean): ArrayBuffer
void MapMemory(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* memory = reinterpret_cast<GstMemory*>(UnwrapMini(args[0], GST_TYPE_MEMORY));
  if (!memory) {
    ThrowType(isolate, "expected a Gst.Memory");
    return;
  }
  bool write = args[1]->IsTrue();
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
void Release(const FunctionCallbackInfo<Value>& args) {
  if (!args[0]->IsArrayBuffer()) return;
  Local<ArrayBuffer> ab = args[0].As<ArrayBuffer>();
  if (!ab->IsDetachable() || ab->WasDetached()) return;
  std::shared_ptr<BackingStore> store = ab->GetBackingStore();  // keeps the holder alive here
  Holder* h = nullptr;
  {
    std::lock_guard<std::mutex> guard(holders_lock);
    auto it = holders.find(store.get());
    if (it != holders.end()) h = it->second;
  }
  if (h == nullptr) return;  // not one of ours
  ab->Detach(Local<Value>()).Check();
  FreeHolderResources(h);
}

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
    Local<ArrayBuffer> ab = value.As<ArrayBuffer>();
    *data = static_cast<const guint8*>(ab->Data());
    *size = ab->ByteLength();
    return true;
  }
  return false;
}

double TimeArg(Local<Value> v) { return v->IsNumber() ? v.As<Number>()->Value() : -1; }

GstClockTime ToClockTime(double v) { return v < 0 ? GST_CLOCK_TIME_NONE : GstClockTime(v); }

// newBuffer(bytes, pts, dts, duration, offset): a GstBuffer with a copy of the bytes, returned
// by filling a node-gtk-made buffer (so node-gtk owns the wrapper): fill(buffer, bytes).
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
  GST_BUFFER_PTS(buffer) = ToClockTime(TimeArg(args[2]));
  GST_BUFFER_DTS(buffer) = ToClockTime(TimeArg(args[3]));
  GST_BUFFER_DURATION(buffer) = ToClockTime(TimeArg(args[4]));
  double offset = TimeArg(args[5]);
  GST_BUFFER_OFFSET(buffer) = offset < 0 ? GST_BUFFER_OFFSET_NONE : guint64(offset);
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
  GST_BUFFER_PTS(buffer) = ToClockTime(TimeArg(args[2]));
  GST_BUFFER_DTS(buffer) = ToClockTime(TimeArg(args[3]));
  GST_BUFFER_DURATION(buffer) = ToClockTime(TimeArg(args[4]));
  double offset = TimeArg(args[5]);
  GST_BUFFER_OFFSET(buffer) = offset < 0 ? GST_BUFFER_OFFSET_NONE : guint64(offset);
  GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(src), buffer);
  args.GetReturnValue().Set(Integer::New(isolate, flow));
}

// ---------------------------------------------------------------------------------------------
// pulling samples on the JS thread, with no node-gtk call per frame

double ClockOrMinus(GstClockTime t) { return GST_CLOCK_TIME_IS_VALID(t) ? double(t) : -1; }

// pullFrames(appsink, max: number, zeroCopy: boolean): Frame[]; each frame is
// [ArrayBuffer, pts, dts, duration, offset, layout | null (when caps changed) ].
void PullFrames(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  GObject* sink = UnwrapObject(isolate, args[0], GST_TYPE_APP_SINK, "expected a GstApp.AppSink");
  if (!sink) return;
  int max = args[1]->IsNumber() ? int(args[1].As<Number>()->Value()) : 1;
  bool zero_copy = args[2]->IsTrue();
  static GQuark caps_quark = g_quark_from_static_string("gstreamer-ts-last-caps");

  Local<Array> out = Array::New(isolate);
  for (int i = 0; i < max; i++) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 0);
    if (!sample) break;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstCaps* caps = gst_sample_get_caps(sample);
    Layout layout;
    ReadLayout(caps, &layout);
    Local<Value> layout_value = v8::Null(isolate);
    if (caps != g_object_get_qdata(sink, caps_quark)) {
      g_object_set_qdata_full(sink, caps_quark, caps ? gst_caps_ref(caps) : nullptr,
                              (GDestroyNotify)gst_caps_unref);
      if (layout.video) layout_value = LayoutObject(isolate, layout);
    }
    Local<Value> data;
    if (buffer == nullptr) {
      data = ArrayBuffer::New(isolate, 0);
    } else if (zero_copy && !(layout.packed && GST_VIDEO_INFO_PLANE_STRIDE(&layout.info, 0) != int(layout.row_bytes))) {
      auto* m = new Holder();
      m->buffer = gst_buffer_ref(buffer);
      m->owns_ref = true;
      if (!gst_buffer_map(buffer, &m->map, GST_MAP_READ)) {
        gst_buffer_unref(buffer);
        delete m;
        gst_sample_unref(sample);
        ThrowError(isolate, "gst_buffer_map(READ) failed");
        return;
      }
      data = ViewArrayBuffer(isolate, m);
    } else {
      data = CopyBytes(isolate, buffer, layout.video ? &layout : nullptr);
      if (data.IsEmpty()) {
        gst_sample_unref(sample);
        return;
      }
    }
    Local<Array> frame = Array::New(isolate, 6);
    frame->Set(context, 0, data).Check();
    frame->Set(context, 1, Number::New(isolate, buffer ? ClockOrMinus(GST_BUFFER_PTS(buffer)) : -1)).Check();
    frame->Set(context, 2, Number::New(isolate, buffer ? ClockOrMinus(GST_BUFFER_DTS(buffer)) : -1)).Check();
    frame->Set(context, 3, Number::New(isolate, buffer ? ClockOrMinus(GST_BUFFER_DURATION(buffer)) : -1)).Check();
    double offset = buffer && GST_BUFFER_OFFSET_IS_VALID(buffer) ? double(GST_BUFFER_OFFSET(buffer)) : -1;
    frame->Set(context, 4, Number::New(isolate, offset)).Check();
    frame->Set(context, 5, layout_value).Check();
    out->Set(context, out->Length(), frame).Check();
    gst_sample_unref(sample);
  }
  args.GetReturnValue().Set(out);
}

// ---------------------------------------------------------------------------------------------
// signal notifiers: count emissions on any thread, wake the JS thread, never wait for it

// Runs `fn` as a callback from libuv into JS: inside the resource's context, with nextTicks and
// microtasks run when it returns (node::CallbackScope), as Node does for its own callbacks.
template <typename F>
void CallIntoJs(const v8::Global<Object>& resource_handle, F fn) {
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  Local<Object> resource = resource_handle.Get(isolate);
  Local<Context> context = resource->GetCreationContextChecked();
  Context::Scope context_scope(context);
  node::CallbackScope callback_scope(isolate, resource, {0, 0});
  fn(isolate, context);
}

struct Notifier {
  uv_async_t async;
  GObject* object = nullptr;
  gulong handler = 0;
  std::mutex lock;
  bool closed = false;
  std::atomic<int> pending{0};
  std::atomic<int> flow{GST_FLOW_OK};
  v8::Global<Function> callback;
  v8::Global<Object> resource;
  int id = 0;
};

std::unordered_map<int, Notifier*> notifiers;
int next_notifier_id = 1;

void NotifierMarshal(GClosure* closure, GValue* return_value, guint, const GValue*, gpointer, gpointer) {
  auto* n = static_cast<Notifier*>(closure->data);
  if (return_value && G_VALUE_TYPE(return_value) == GST_TYPE_FLOW_RETURN)
    g_value_set_enum(return_value, n->flow.load());
  std::lock_guard<std::mutex> guard(n->lock);
  if (n->closed) return;
  n->pending.fetch_add(1);
  uv_async_send(&n->async);
}

void NotifierWake(uv_async_t* handle) {
  auto* n = static_cast<Notifier*>(handle->data);
  int count = n->pending.exchange(0);
  if (count == 0 || n->callback.IsEmpty()) return;
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  Local<Object> resource = n->resource.Get(isolate);
  Context::Scope context_scope(resource->GetCreationContextChecked());
  Local<Value> argv[] = {Integer::New(isolate, count)};
  // As Node calls its own callbacks: ticks and microtasks after, a throw becomes uncaughtException.
  node::MakeCallback(isolate, resource, n->callback.Get(isolate), 1, argv, {0, 0});
}

// notify(object, signal, callback(count), ref: boolean): id
void Notify(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
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
    std::string msg = std::string("no signal \"") + *signal + "\" on " + G_OBJECT_TYPE_NAME(object);
    ThrowError(isolate, msg.c_str());
    return;
  }
  auto* n = new Notifier();
  n->id = next_notifier_id++;
  n->object = G_OBJECT(g_object_ref(object));
  n->callback.Reset(isolate, args[2].As<Function>());
  n->resource.Reset(isolate, Object::New(isolate));
  uv_async_init(node::GetCurrentEventLoop(isolate), &n->async, NotifierWake);
  n->async.data = n;
  if (!args[3]->IsTrue()) uv_unref(reinterpret_cast<uv_handle_t*>(&n->async));
  GClosure* closure = g_closure_new_simple(sizeof(GClosure), n);
  g_closure_set_marshal(closure, NotifierMarshal);
  n->handler = g_signal_connect_closure_by_id(object, signal_id, detail, closure, FALSE);
  notifiers[n->id] = n;
  args.GetReturnValue().Set(Integer::New(isolate, n->id));
}

Notifier* FindNotifier(Local<Value> id) {
  if (!id->IsNumber()) return nullptr;
  auto it = notifiers.find(int(id.As<Number>()->Value()));
  return it == notifiers.end() ? nullptr : it->second;
}

// notifyFlow(id, flow): the value the signal returns from now on (e.g. GST_FLOW_ERROR)
void NotifyFlow(const FunctionCallbackInfo<Value>& args) {
  Notifier* n = FindNotifier(args[0]);
  if (n && args[1]->IsNumber()) n->flow.store(int(args[1].As<Number>()->Value()));
}

// unnotify(id): disconnects and closes; safe against an emission running on another thread
void Unnotify(const FunctionCallbackInfo<Value>& args) {
  Notifier* n = FindNotifier(args[0]);
  if (!n) return;
  notifiers.erase(n->id);
  {
    std::lock_guard<std::mutex> guard(n->lock);
    n->closed = true;
  }
  if (g_signal_handler_is_connected(n->object, n->handler)) g_signal_handler_disconnect(n->object, n->handler);
  g_object_unref(n->object);
  n->callback.Reset();
  n->resource.Reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&n->async), [](uv_handle_t* h) { delete static_cast<Notifier*>(h->data); });
}

// ---------------------------------------------------------------------------------------------
// GLib's default main context, driven from libuv (prepare -> poll -> check -> dispatch)

struct Driver {
  GMainContext* context = nullptr;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_timer_t timer;
  std::vector<GPollFD> fds;
  std::unordered_map<int, uv_poll_t*> polls;
  gint max_priority = 0;
  bool prepared = false;
  v8::Global<Object> resource;
};

Driver* driver = nullptr;

void NoopTimer(uv_timer_t*) {}
void NoopPoll(uv_poll_t*, int, int) {}

void DriverPrepare(uv_prepare_t*) {
  Driver* d = driver;
  d->prepared = false;
  if (g_main_depth() > 0) return;  // a GLib loop is running and drives libuv itself
  if (!g_main_context_acquire(d->context)) return;
  g_main_context_prepare(d->context, &d->max_priority);
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
  // Watch exactly the fds GLib asked for.
  std::unordered_map<int, int> wanted;
  for (const GPollFD& p : d->fds) {
    int events = 0;
    if (p.events & (G_IO_IN | G_IO_PRI | G_IO_HUP | G_IO_ERR)) events |= UV_READABLE;
    if (p.events & G_IO_OUT) events |= UV_WRITABLE;
    wanted[p.fd] |= events;
  }
  for (auto it = d->polls.begin(); it != d->polls.end();) {
    if (wanted.count(it->first) == 0) {
      uv_poll_stop(it->second);
      uv_close(reinterpret_cast<uv_handle_t*>(it->second), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      it = d->polls.erase(it);
    } else {
      ++it;
    }
  }
  uv_loop_t* loop = d->prepare.loop;
  for (auto& [fd, events] : wanted) {
    uv_poll_t*& poll = d->polls[fd];
    if (poll == nullptr) {
      poll = new uv_poll_t;
      uv_poll_init(loop, poll, fd);
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

void DriverCheck(uv_check_t*) {
  Driver* d = driver;
  if (!d->prepared) return;
  d->prepared = false;
  for (GPollFD& p : d->fds) p.revents = 0;
  if (!d->fds.empty()) g_poll(d->fds.data(), d->fds.size(), 0);
  bool ready = g_main_context_check(d->context, d->max_priority, d->fds.data(), d->fds.size());
  if (ready) CallIntoJs(d->resource, [&](Isolate*, Local<Context>) { g_main_context_dispatch(d->context); });
  g_main_context_release(d->context);
}

// startGLib(): idempotent
void StartGLib(const FunctionCallbackInfo<Value>& args) {
  if (driver) return;
  Isolate* isolate = args.GetIsolate();
  driver = new Driver();
  driver->context = g_main_context_default();
  driver->resource.Reset(isolate, Object::New(isolate));
  uv_loop_t* loop = node::GetCurrentEventLoop(isolate);
  uv_prepare_init(loop, &driver->prepare);
  uv_check_init(loop, &driver->check);
  uv_timer_init(loop, &driver->timer);
  uv_prepare_start(&driver->prepare, DriverPrepare);
  uv_check_start(&driver->check, DriverCheck);
  uv_unref(reinterpret_cast<uv_handle_t*>(&driver->prepare));
  uv_unref(reinterpret_cast<uv_handle_t*>(&driver->check));
  uv_unref(reinterpret_cast<uv_handle_t*>(&driver->timer));
}

// ---------------------------------------------------------------------------------------------
// state changes off the JS thread

// Going to NULL waits for the streaming threads to stop; a streaming thread may be waiting for
// the JS thread (node-gtk runs a JS handler of a streaming-thread signal by blocking until the JS
// thread is free). Changing the state on a worker thread keeps the JS thread free to answer.
struct StateWork {
  uv_work_t request;
  GstElement* element;
  GstState state;
  GstEvent* event = nullptr;  // set: send this event instead of changing the state
  int result = GST_STATE_CHANGE_FAILURE;
  v8::Global<v8::Promise::Resolver> resolver;
  v8::Global<Object> resource;
};

// On a worker thread: the state change, or sending the event (end of stream waits for the
// streaming thread's lock, which a streaming thread blocked in a full appsink holds).
void QueueElementWork(const FunctionCallbackInfo<Value>& args, GstEvent* event) {
  Isolate* isolate = args.GetIsolate();
  GObject* element = UnwrapObject(isolate, args[0], GST_TYPE_ELEMENT, "expected a Gst.Element");
  if (!element) {
    if (event) gst_event_unref(event);
    return;
  }
  auto resolver = v8::Promise::Resolver::New(isolate->GetCurrentContext()).ToLocalChecked();
  auto* work = new StateWork();
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
        CallIntoJs(w->resource, [&](Isolate* isolate, Local<Context> context) {
          w->resolver.Get(isolate)->Resolve(context, Integer::New(isolate, w->result)).Check();
        });
        gst_object_unref(w->element);
        delete w;
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
void SendEosAsync(const FunctionCallbackInfo<Value>& args) {
  QueueElementWork(args, gst_event_new_eos());
}

// ---------------------------------------------------------------------------------------------
// bus watches without a JS wrapper of the bus
//
// node-gtk finalizes a GObject only once V8 collects its wrapper, and V8 has no reason to hurry:
// a pipeline's bus holds two sockets (its GstPoll), so a loop of short pipelines ran out of file
// descriptors. Watched from here, the bus never gets a wrapper (unless the user asks for one), and
// detachBus drops the pipeline's own reference once it is NULL: the sockets close at once.

struct BusWatch {
  GstBus* bus = nullptr;
  gulong handler = 0;
  v8::Global<Function> callback;
  v8::Global<Object> resource;
  int id = 0;
};

std::unordered_map<int, BusWatch*> bus_watches;
int next_bus_watch_id = 1;

Local<Value> StrOrNull(Isolate* isolate, const gchar* s) {
  if (s == nullptr) return v8::Null(isolate);
  return String::NewFromUtf8(isolate, s).FromMaybe(Local<String>()).As<Value>();
}

// [type, text, debug, source name, error domain, error code, source's "location" property]
Local<Value> MessageTuple(Isolate* isolate, GstMessage* message) {
  Local<Context> context = isolate->GetCurrentContext();
  Local<Array> out = Array::New(isolate, 7);
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
  out->Set(context, 0, Integer::NewFromUnsigned(isolate, GST_MESSAGE_TYPE(message))).Check();
  out->Set(context, 1, StrOrNull(isolate, error ? error->message : nullptr)).Check();
  out->Set(context, 2, StrOrNull(isolate, debug)).Check();
  out->Set(context, 3, StrOrNull(isolate, src ? GST_OBJECT_NAME(src) : nullptr)).Check();
  out->Set(context, 4, StrOrNull(isolate, error ? g_quark_to_string(error->domain) : nullptr)).Check();
  out->Set(context, 5, Integer::New(isolate, error ? error->code : 0)).Check();
  out->Set(context, 6, StrOrNull(isolate, location)).Check();
  g_free(location);
  g_free(debug);
  if (error) g_error_free(error);
  return out;
}

// The bus's "message" signal, from its signal watch: on the JS thread (GLib's default context
// is dispatched from libuv's loop there). Only what a pipeline ends on goes to JS.
void OnBusMessage(GstBus*, GstMessage* message, gpointer data) {
  auto type = GST_MESSAGE_TYPE(message);
  if (type != GST_MESSAGE_EOS && type != GST_MESSAGE_ERROR && type != GST_MESSAGE_WARNING) return;
  int id = GPOINTER_TO_INT(data);
  auto it = bus_watches.find(id);
  if (it == bus_watches.end()) return;
  BusWatch* w = it->second;
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  Local<Object> resource = w->resource.Get(isolate);
  Local<Function> callback = w->callback.Get(isolate);
  Context::Scope context_scope(resource->GetCreationContextChecked());
  Local<Value> argv[] = {MessageTuple(isolate, message)};
  // `w` may be gone when this returns (the callback may unwatch): not touched after.
  node::MakeCallback(isolate, resource, callback, 1, argv, {0, 0});
}

// watchBus(pipeline, callback([type, text, debug, source, domain, code, location])): id
void WatchBus(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
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
  w->id = next_bus_watch_id++;
  w->bus = bus;  // the reference gst_element_get_bus gave
  w->callback.Reset(isolate, args[1].As<Function>());
  w->resource.Reset(isolate, Object::New(isolate));
  gst_bus_add_signal_watch(bus);
  w->handler = g_signal_connect(bus, "message", G_CALLBACK(OnBusMessage), GINT_TO_POINTER(w->id));
  bus_watches[w->id] = w;
  args.GetReturnValue().Set(Integer::New(isolate, w->id));
}

// unwatchBus(id): idempotent
void UnwatchBus(const FunctionCallbackInfo<Value>& args) {
  if (!args[0]->IsNumber()) return;
  auto it = bus_watches.find(int(args[0].As<Number>()->Value()));
  if (it == bus_watches.end()) return;
  BusWatch* w = it->second;
  bus_watches.erase(it);
  g_signal_handler_disconnect(w->bus, w->handler);
  gst_bus_remove_signal_watch(w->bus);
  gst_object_unref(w->bus);
  w->callback.Reset();
  w->resource.Reset();
  delete w;
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

// ---------------------------------------------------------------------------------------------
// silence: GLib-CRITICAL lines printed while node-gtk loads some typelibs (NOTES fact 10)

guint quiet_handler = 0;

void SwallowLog(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

// quietGLibCriticals(on: boolean)
void QuietGLibCriticals(const FunctionCallbackInfo<Value>& args) {
  if (args[0]->IsTrue() && quiet_handler == 0) {
    quiet_handler = g_log_set_handler("GLib", GLogLevelFlags(G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION),
                                      SwallowLog, nullptr);
  } else if (!args[0]->IsTrue() && quiet_handler != 0) {
    g_log_remove_handler("GLib", quiet_handler);
    quiet_handler = 0;
  }
}

void Init(Local<Object> exports, Local<Value>, void*) {
  NODE_SET_METHOD(exports, "copyBuffer", CopyBuffer);
  NODE_SET_METHOD(exports, "videoLayout", VideoLayout);
  NODE_SET_METHOD(exports, "copyVideo", CopyVideo);
  NODE_SET_METHOD(exports, "mapBuffer", MapBuffer);
  NODE_SET_METHOD(exports, "mapMemory", MapMemory);
  NODE_SET_METHOD(exports, "release", Release);
  NODE_SET_METHOD(exports, "fillBuffer", FillBuffer);
  NODE_SET_METHOD(exports, "pushBytes", PushBytes);
  NODE_SET_METHOD(exports, "pullFrames", PullFrames);
  NODE_SET_METHOD(exports, "notify", Notify);
  NODE_SET_METHOD(exports, "notifyFlow", NotifyFlow);
  NODE_SET_METHOD(exports, "unnotify", Unnotify);
  NODE_SET_METHOD(exports, "startGLib", StartGLib);
  NODE_SET_METHOD(exports, "setStateAsync", SetStateAsync);
  NODE_SET_METHOD(exports, "sendEosAsync", SendEosAsync);
  NODE_SET_METHOD(exports, "quietGLibCriticals", QuietGLibCriticals);
  NODE_SET_METHOD(exports, "watchBus", WatchBus);
  NODE_SET_METHOD(exports, "unwatchBus", UnwatchBus);
  NODE_SET_METHOD(exports, "popBusError", PopBusError);
  NODE_SET_METHOD(exports, "detachBus", DetachBus);
}

}  // namespace

NODE_MODULE(gstreamer_ts, Init)
