// The only file that knows node-gtk's private wrapper layout (docs/node-gtk.md, "Wrapper layout").
//
// node-gtk 4 stores the C pointer of a wrapped value in V8 internal field 0 of its JS wrapper,
// written with Nan::SetInternalFieldPointer: boxed wrappers (GstBuffer, GstCaps, GstMemory...)
// have two internal fields (the second is node-gtk's own record), GObject wrappers have one.
// None of that is API, so:
//  * checkNodeGtk(), called once by src/gi.js at load, checks node-gtk's version against the
//    range this layout was verified for and unwraps a fresh Gst.Buffer, Gst.Caps and Gst.Element
//    made by node-gtk, comparing what it finds with what node-gtk itself reports; any mismatch is
//    a JS Error naming what was expected and what was found, never a crash;
//  * every unwrap checks the field count and the GType of what it finds.

#include "nodegtk.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "addon.h"
#include "util.h"

namespace gstts {

namespace {

// The node-gtk versions whose layout is the one read here ([min, limit)).
constexpr int kMinVersion[3] = {4, 1, 1};
constexpr int kLimitVersion[3] = {5, 0, 0};
constexpr int kBoxedFields = 2;
constexpr int kObjectFields = 1;

// Field 0, read the way Nan (node-gtk's writer) writes it: V8 14.2.194 and later tag embedder
// pointers, and a read must name the tag the write used (Nan uses the default tag). The
// condition is Nan's own (nan.h, GetInternalFieldPointer), so reader and writer always agree.
void* Field0(Local<Object> obj) {
#if (V8_MAJOR_VERSION > 14) || (V8_MAJOR_VERSION == 14 && V8_MINOR_VERSION > 2) || \
    (V8_MAJOR_VERSION == 14 && V8_MINOR_VERSION == 2 && V8_BUILD_NUMBER >= 194)
  return obj->GetAlignedPointerFromInternalField(0, v8::kEmbedderDataTypeTagDefault);
#else
  return obj->GetAlignedPointerFromInternalField(0);
#endif
}

int FieldCount(Local<Value> value) { return value->IsObject() ? value.As<Object>()->InternalFieldCount() : 0; }

GstMiniObject* Mini(Local<Value> value, GType type) {
  if (FieldCount(value) != kBoxedFields) return nullptr;
  auto* mini = static_cast<GstMiniObject*>(Field0(value.As<Object>()));
  if (mini == nullptr || mini->type != type) return nullptr;
  return mini;
}

// ---------------------------------------------------------------------------------------------
// the load-time check

// Whether [p, p + n) can be read, without reading it here: write(2) reports EFAULT instead of
// faulting. Used only by the load-time check, on pointers not yet known to be what we think.
bool Readable(const void* p, size_t n) {
  if (p == nullptr || reinterpret_cast<uintptr_t>(p) % alignof(void*) != 0) return false;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return true;  // cannot probe: trust the other checks
  ssize_t written = write(fds[1], p, n);
  close(fds[0]);
  close(fds[1]);
  return written == ssize_t(n);
}

std::string Describe(Local<Value> value) {
  if (!value->IsObject()) return "a non-object";
  return "an object with " + std::to_string(FieldCount(value)) + " internal field(s)";
}

// "a pointer to a GstMiniObject of GType GstCaps", as far as it can be read safely.
std::string DescribeMini(const void* p) {
  if (p == nullptr) return "a null pointer";
  if (!Readable(p, sizeof(GstMiniObject))) return "an unreadable pointer";
  GType type = static_cast<const GstMiniObject*>(p)->type;
  const char* name = g_type_name(type);  // returns null for values that are not registered GTypes
  return std::string("a mini object of GType ") + (name ? name : "(not a GType)");
}

std::string DescribeInstance(const void* p) {
  if (p == nullptr) return "a null pointer";
  if (!Readable(p, sizeof(GTypeInstance))) return "an unreadable pointer";
  const GTypeClass* klass = static_cast<const GTypeInstance*>(p)->g_class;
  if (!Readable(klass, sizeof(GTypeClass))) return "a pointer that is not a GTypeInstance";
  const char* name = g_type_name(klass->g_type);
  return std::string("an instance of GType ") + (name ? name : "(not a GType)");
}

bool ParseVersion(const std::string& text, int out[3]) { return sscanf(text.c_str(), "%d.%d.%d", &out[0], &out[1], &out[2]) == 3; }

int CompareVersion(const int a[3], const int b[3]) {
  for (int i = 0; i < 3; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

std::string VersionText(const int v[3]) { return std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]); }

std::string LayoutMismatch(const std::string& version, const std::string& what) {
  return "gstreamer-ts cannot read node-gtk " + version + "'s wrappers: " + what + ". This addon reads node-gtk " +
         VersionText(kMinVersion) + " up to (not including) " + VersionText(kLimitVersion) + " (docs/node-gtk.md, 'Wrapper layout').";
}

// checkNodeGtk(version, buffer, bufferSize, caps, capsText, element, elementName): throws an
// Error when node-gtk's version or wrapper layout is not the one this addon was written for.
// The objects are fresh ones made through node-gtk; the sizes and texts are what node-gtk
// itself reports for them, so a wrong field would show as a wrong object, not a wrong guess.
void CheckNodeGtk(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!args[0]->IsString() || !args[2]->IsNumber() || !args[4]->IsString() || !args[6]->IsString()) {
    ThrowType(isolate, "checkNodeGtk(version, buffer, bufferSize, caps, capsText, element, elementName)");
    return;
  }
  std::string version = *v8::String::Utf8Value(isolate, args[0]);
  int found[3];
  if (!ParseVersion(version, found) || CompareVersion(found, kMinVersion) < 0 || CompareVersion(found, kLimitVersion) >= 0) {
    ThrowError(isolate, "gstreamer-ts needs node-gtk >=" + VersionText(kMinVersion) + " <" + VersionText(kLimitVersion) +
                            " (the versions whose private wrapper layout it reads), found node-gtk " + version +
                            ". Run `npm ci` to install the version in package-lock.json.");
    return;
  }

  // A boxed: Gst.Buffer, two fields, field 0 a GstBuffer of the size node-gtk reports.
  Local<Value> buffer = args[1];
  if (FieldCount(buffer) != kBoxedFields) {
    ThrowError(isolate, LayoutMismatch(version, "expected a Gst.Buffer wrapper with " + std::to_string(kBoxedFields) +
                                                    " internal fields, found " + Describe(buffer)));
    return;
  }
  void* p = Field0(buffer.As<Object>());
  if (!Readable(p, sizeof(GstMiniObject)) || static_cast<GstMiniObject*>(p)->type != GST_TYPE_BUFFER) {
    ThrowError(isolate, LayoutMismatch(version, "expected a GstBuffer in internal field 0 of a Gst.Buffer, found " + DescribeMini(p)));
    return;
  }
  size_t size = gst_buffer_get_size(static_cast<GstBuffer*>(p));
  if (double(size) != args[2].As<v8::Number>()->Value()) {
    ThrowError(isolate,
               LayoutMismatch(version, "internal field 0 of a Gst.Buffer of " + std::to_string(int64_t(args[2].As<v8::Number>()->Value())) +
                                           " bytes holds a GstBuffer of " + std::to_string(size) + " bytes"));
    return;
  }

  // Another boxed: Gst.Caps, whose text node-gtk reports.
  Local<Value> caps = args[3];
  std::string caps_text = *v8::String::Utf8Value(isolate, args[4]);
  p = FieldCount(caps) == kBoxedFields ? Field0(caps.As<Object>()) : nullptr;
  if (!Readable(p, sizeof(GstMiniObject)) || static_cast<GstMiniObject*>(p)->type != GST_TYPE_CAPS) {
    ThrowError(isolate,
               LayoutMismatch(version, "expected a GstCaps in internal field 0 of a Gst.Caps (" + std::to_string(kBoxedFields) +
                                           " fields), found " + (FieldCount(caps) == kBoxedFields ? DescribeMini(p) : Describe(caps))));
    return;
  }
  gchar* text = gst_caps_to_string(static_cast<GstCaps*>(p));
  bool same = caps_text == text;
  std::string found_text = text;
  g_free(text);
  if (!same) {
    ThrowError(isolate, LayoutMismatch(version, "internal field 0 of Gst.Caps '" + caps_text + "' holds caps '" + found_text + "'"));
    return;
  }

  // A GObject: Gst.Element, one field, field 0 the element of the name node-gtk reports.
  Local<Value> element = args[5];
  std::string name = *v8::String::Utf8Value(isolate, args[6]);
  if (FieldCount(element) != kObjectFields) {
    ThrowError(isolate, LayoutMismatch(version, "expected a Gst.Element wrapper with " + std::to_string(kObjectFields) +
                                                    " internal field, found " + Describe(element)));
    return;
  }
  p = Field0(element.As<Object>());
  std::string what = DescribeInstance(p);
  if (what.rfind("an instance of", 0) != 0 || !G_TYPE_CHECK_INSTANCE_TYPE(p, GST_TYPE_ELEMENT)) {
    ThrowError(isolate, LayoutMismatch(version, "expected a GstElement in internal field 0 of a Gst.Element, found " + what));
    return;
  }
  gchar* element_name = gst_object_get_name(GST_OBJECT(p));
  same = element_name != nullptr && name == element_name;
  std::string found_name = element_name ? element_name : "(none)";
  g_free(element_name);
  if (!same) {
    ThrowError(isolate, LayoutMismatch(version, "internal field 0 of Gst.Element '" + name + "' holds element '" + found_name + "'"));
    return;
  }
}

}  // namespace

GstBuffer* UnwrapBuffer(Isolate* isolate, Local<Value> value) {
  auto* buffer = reinterpret_cast<GstBuffer*>(Mini(value, GST_TYPE_BUFFER));
  if (buffer == nullptr) ThrowType(isolate, "expected a Gst.Buffer");
  return buffer;
}

GstCaps* UnwrapCaps(Isolate* isolate, Local<Value> value) {
  auto* caps = reinterpret_cast<GstCaps*>(Mini(value, GST_TYPE_CAPS));
  if (caps == nullptr) ThrowType(isolate, "expected a Gst.Caps");
  return caps;
}

GstMemory* UnwrapMemory(Isolate* isolate, Local<Value> value) {
  auto* memory = reinterpret_cast<GstMemory*>(Mini(value, GST_TYPE_MEMORY));
  if (memory == nullptr) ThrowType(isolate, "expected a Gst.Memory");
  return memory;
}

GObject* PeekObject(Local<Value> value, GType type) {
  void* ptr = FieldCount(value) == kObjectFields ? Field0(value.As<Object>()) : nullptr;
  return ptr != nullptr && G_TYPE_CHECK_INSTANCE_TYPE(ptr, type) ? G_OBJECT(ptr) : nullptr;
}

GObject* UnwrapObject(Isolate* isolate, Local<Value> value, GType type, const char* what) {
  GObject* object = PeekObject(value, type);
  if (object == nullptr) ThrowType(isolate, what);
  return object;
}

void InitNodeGtk(Local<v8::Context> context, Local<Object> exports, Addon* addon) {
  SetMethod(context, exports, "checkNodeGtk", CheckNodeGtk, addon);
}

}  // namespace gstts
