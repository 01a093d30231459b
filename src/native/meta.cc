// Object-detection metadata on buffers (gstreamer-python's GstObjectsInfoMeta, done again): a
// GstMeta registered here, holding any number of objects, each a bounding box, a confidence, a
// class name and a track id.
//
// The meta has no tags. GStreamer's elements copy a tagless meta whenever they make a new buffer
// from an old one (videoconvert, videoscale, encoders, GstBaseTransform's default), and queue
// and tee pass the buffer itself on, so the objects travel with the frame. Boxes are not
// rescaled on the way: they stay in the pixels of the frame they were written on. (A "video" +
// "size" tagged meta would be offered a scale transform instead, but videoscale's 1.22 transform
// does not report the borders it adds to keep the aspect ratio, so boxes could not be scaled
// right in every case, and elements that only know the tags drop such a meta.)
//
// The list lives in C++ (std::vector, std::string with an explicit length), so class names of
// any length and any UTF-8, NUL bytes included, come back as they went in.
//
// Where GStreamer has its analytics library (>= 1.24), the objects are also written as
// GstAnalyticsRelationMeta entries, and objects that only exist as such entries (written by an
// upstream element) are read too (src/native/analytics.cc): the project's meta first, exact, then
// the object-detection entries the project did not write.

#include "meta.h"

#include <node.h>

#include <string>
#include <vector>

#include "analytics.h"
#include "nodegtk.h"
#include "util.h"

using v8::Array;
using v8::Context;
using v8::EscapableHandleScope;

namespace gstts {
namespace {

// Numbers per object in metaWrite's Float64Array: x, y, width, height, confidence, trackId.
constexpr size_t kFields = 6;

struct ObjectsMeta {
  GstMeta meta;
  std::vector<ObjectInfo>* objects;  // owned; never null between init and free
};

const char kApiName[] = "GstTsObjectsInfoMetaAPI";
const char kImplName[] = "GstTsObjectsInfoMeta";

GType ApiType();
const GstMetaInfo* Info();

ObjectsMeta* Find(GstBuffer* buffer) { return reinterpret_cast<ObjectsMeta*>(gst_buffer_get_meta(buffer, ApiType())); }

// The buffer's meta, added when it has none (the buffer must be writable).
ObjectsMeta* FindOrAdd(GstBuffer* buffer) {
  ObjectsMeta* meta = Find(buffer);
  if (meta == nullptr) meta = reinterpret_cast<ObjectsMeta*>(gst_buffer_add_meta(buffer, Info(), nullptr));
  return meta;
}

gboolean MetaInit(GstMeta* meta, gpointer, GstBuffer*) {
  reinterpret_cast<ObjectsMeta*>(meta)->objects = new std::vector<ObjectInfo>();
  return TRUE;
}

void MetaFree(GstMeta* meta, GstBuffer*) {
  auto* m = reinterpret_cast<ObjectsMeta*>(meta);
  delete m->objects;
  m->objects = nullptr;
}

// Called on streaming threads when GStreamer makes a buffer out of another. Every copy
// (gst_buffer_copy, a region of one, the metas GstBaseTransform copies into its output) gets
// the objects; other transforms (e.g. video scaling, offered only to tagged metas) get nothing.
gboolean MetaTransform(GstBuffer* dest, GstMeta* meta, GstBuffer*, GQuark type, gpointer) {
  if (!GST_META_TRANSFORM_IS_COPY(type)) return FALSE;
  auto* from = reinterpret_cast<ObjectsMeta*>(meta);
  ObjectsMeta* to = FindOrAdd(dest);  // one meta per buffer: a copy into a buffer replaces its objects
  if (to == nullptr) return FALSE;
  if (to != from) *to->objects = *from->objects;
  return TRUE;
}

GType ApiType() {
  static const GType type = [] {
    // Already there when another copy of this addon registered it in this process.
    GType existing = g_type_from_name(kApiName);
    if (existing != 0) return existing;
    static const gchar* tags[] = {nullptr};
    return gst_meta_api_type_register(kApiName, tags);
  }();
  return type;
}

const GstMetaInfo* Info() {
  static const GstMetaInfo* info = [] {
    const GstMetaInfo* existing = gst_meta_get_info(kImplName);
    if (existing != nullptr) return existing;
    return gst_meta_register(ApiType(), kImplName, sizeof(ObjectsMeta), MetaInit, MetaFree, MetaTransform);
  }();
  return info;
}

Local<String> Utf8(Isolate* isolate, const std::string& s) {
  if (s.size() > size_t(String::kMaxLength)) return String::Empty(isolate);
  return String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, int(s.size())).FromMaybe(String::Empty(isolate));
}

// Reads metaWrite's arguments (validated by src/meta.ts) into `objects`; false (with a JS
// exception) when they are not a Float64Array of 6 numbers per class name and the class names.
bool ReadObjects(Isolate* isolate, Local<Value> numbers_value, Local<Value> names_value, std::vector<ObjectInfo>& objects) {
  Local<Context> context = isolate->GetCurrentContext();
  if (!numbers_value->IsFloat64Array() || !names_value->IsArray()) {
    ThrowType(isolate, "metaWrite(buffer, Float64Array, string[])");
    return false;
  }
  Local<v8::Float64Array> numbers = numbers_value.As<v8::Float64Array>();
  Local<Array> names = names_value.As<Array>();
  size_t count = names->Length();
  if (numbers->Length() != count * kFields) {
    ThrowType(isolate, "metaWrite: 6 numbers per class name");
    return false;
  }
  std::vector<double> values(count * kFields);
  numbers->CopyContents(values.data(), values.size() * sizeof(double));
  objects.assign(count, ObjectInfo());
  for (size_t i = 0; i < count; i++) {
    Local<Value> name;
    if (!names->Get(context, uint32_t(i)).ToLocal(&name)) return false;
    if (!name->IsString()) {
      ThrowType(isolate, "metaWrite: class names must be strings");
      return false;
    }
    ObjectInfo& o = objects[i];
    // Utf8Value exists unchanged from V8 11 (Node 20) to V8 14 (Node 26), unlike WriteUtf8;
    // its length() keeps embedded NULs.
    String::Utf8Value utf8(isolate, name);
    o.class_name.assign(*utf8, size_t(utf8.length()));
    const double* v = &values[i * kFields];
    o.x = v[0];
    o.y = v[1];
    o.width = v[2];
    o.height = v[3];
    o.confidence = v[4];
    o.track_id = gint64(v[5]);
  }
  return true;
}

// metaWrite(buffer, numbers: Float64Array (6 per object), classNames: string[]): boolean
// Replaces the buffer's objects with these (validated by src/meta.ts). false: the buffer is not
// writable (nothing changed).
void MetaWrite(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  std::vector<ObjectInfo> objects;
  if (!ReadObjects(isolate, args[1], args[2], objects)) return;
  if (!gst_buffer_is_writable(buffer)) {
    args.GetReturnValue().Set(false);
    return;
  }
  ObjectsMeta* meta = FindOrAdd(buffer);
  if (meta == nullptr) {
    isolate->ThrowException(v8::Exception::Error(String::NewFromUtf8Literal(isolate, "gst_buffer_add_meta failed")));
    return;
  }
  meta->objects->swap(objects);
  AnalyticsRemove(buffer);
  AnalyticsAppend(buffer, *meta->objects);
  args.GetReturnValue().Set(true);
}

// metaGet(buffer): ObjectInfo[] | undefined (see ObjectsOf)
void MetaGet(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  args.GetReturnValue().Set(ObjectsOf(isolate, buffer));
}

// metaRemove(buffer): 1 removed, 0 there was nothing to remove, -1 not writable (nothing changed)
void MetaRemove(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstBuffer* buffer = UnwrapBuffer(isolate, args[0]);
  if (!buffer) return;
  int result = 0;
  if (Find(buffer) != nullptr || AnalyticsHasObjects(buffer)) {
    if (!gst_buffer_is_writable(buffer)) {
      result = -1;
    } else {
      for (ObjectsMeta* meta; (meta = Find(buffer)) != nullptr;) {
        if (!gst_buffer_remove_meta(buffer, &meta->meta)) break;  // a locked meta (never ours)
        result = 1;
      }
      if (AnalyticsRemove(buffer)) result = 1;
    }
  }
  args.GetReturnValue().Set(Integer::New(isolate, result));
}

// analyticsAvailable(): boolean (whether GStreamer's analytics library was found: >= 1.24)
void AnalyticsAvailableJs(const FunctionCallbackInfo<Value>& args) { args.GetReturnValue().Set(AnalyticsAvailable()); }

// The four keys, and a template whose instances have them as fast properties (objects made by
// Object::New(isolate, prototype, names, values, n) would be dictionaries: slow to read later).
struct ObjectShape {
  v8::Eternal<String> keys[4];
  v8::Eternal<v8::ObjectTemplate> tmpl;
};

const ObjectShape& Shape(Isolate* isolate) {
  static ObjectShape* shape = [isolate] {
    auto* s = new ObjectShape();  // never freed: lives as long as the isolate (the process)
    const char* names[] = {"boundingBox", "confidence", "className", "trackId"};
    Local<v8::ObjectTemplate> tmpl = v8::ObjectTemplate::New(isolate);
    for (int i = 0; i < 4; i++) {
      Local<String> key = String::NewFromUtf8(isolate, names[i], v8::NewStringType::kInternalized).ToLocalChecked();
      s->keys[i].Set(isolate, key);
      tmpl->Set(key, v8::Undefined(isolate));
    }
    s->tmpl.Set(isolate, tmpl);
    return s;
  }();
  return *shape;
}

}  // namespace

Local<Value> ObjectsOf(Isolate* isolate, GstBuffer* buffer) {
  EscapableHandleScope scope(isolate);
  if (buffer == nullptr) return scope.Escape(v8::Undefined(isolate));
  ObjectsMeta* meta = Find(buffer);
  // Objects only GStreamer's analytics meta holds (an upstream element's), after the project's.
  std::vector<ObjectInfo> upstream;
  bool has_upstream = AnalyticsRead(buffer, meta != nullptr, upstream);
  if (meta == nullptr && !has_upstream) return scope.Escape(v8::Undefined(isolate));
  std::vector<ObjectInfo> combined;
  if (meta != nullptr && has_upstream) {
    combined.reserve(meta->objects->size() + upstream.size());
    combined = *meta->objects;
    combined.insert(combined.end(), upstream.begin(), upstream.end());
  }
  const std::vector<ObjectInfo>& objects = !has_upstream ? *meta->objects : meta == nullptr ? upstream : combined;
  Local<Context> context = isolate->GetCurrentContext();
  const ObjectShape& shape = Shape(isolate);
  Local<v8::ObjectTemplate> tmpl = shape.tmpl.Get(isolate);
  Local<String> keys[4];
  for (int i = 0; i < 4; i++) keys[i] = shape.keys[i].Get(isolate);
  Local<Array> out = Array::New(isolate, int(objects.size()));
  for (size_t i = 0; i < objects.size(); i++) {
    const ObjectInfo& o = objects[i];
    Local<Value> box[] = {Number::New(isolate, o.x), Number::New(isolate, o.y), Number::New(isolate, o.width),
                          Number::New(isolate, o.height)};
    Local<Value> values[] = {
        Array::New(isolate, box, 4),
        Number::New(isolate, o.confidence),
        Utf8(isolate, o.class_name),
        Number::New(isolate, double(o.track_id)),
    };
    Local<Object> object = tmpl->NewInstance(context).ToLocalChecked();
    for (int k = 0; k < 4; k++) object->Set(context, keys[k], values[k]).Check();
    out->Set(context, uint32_t(i), object).Check();
  }
  return scope.Escape(out);
}

const char* AppendObjects(Isolate* isolate, GstBuffer* buffer, Local<Value> numbers, Local<Value> names) {
  std::vector<ObjectInfo> objects;
  if (!ReadObjects(isolate, numbers, names, objects)) return "the frame's objects are malformed";
  if (objects.empty()) return nullptr;
  if (!gst_buffer_is_writable(buffer)) return "the buffer is not writable: its objects cannot be attached";
  ObjectsMeta* meta = FindOrAdd(buffer);
  if (meta == nullptr) return "gst_buffer_add_meta failed";
  AnalyticsAppend(buffer, objects);
  meta->objects->insert(meta->objects->end(), objects.begin(), objects.end());
  return nullptr;
}

void InitMeta(Local<Object> exports) {
  // The meta is registered at first use (GStreamer's meta registry exists only after gst_init).
  NODE_SET_METHOD(exports, "metaWrite", MetaWrite);
  NODE_SET_METHOD(exports, "metaGet", MetaGet);
  NODE_SET_METHOD(exports, "metaRemove", MetaRemove);
  NODE_SET_METHOD(exports, "analyticsAvailable", AnalyticsAvailableJs);
}

}  // namespace gstts
