// What the GStreamer registry knows of an element factory and no typelib holds: its GParamSpecs
// (type, flags, default, range, enum and flags nicks), its signals' signatures and its pad
// templates. Read by scripts/element-typings.js (the element typings) and by
// test/element-conformance.test.ts (which checks those typings against the running GStreamer).

#include <gst/gst.h>
#include <node.h>
#include <v8.h>

#include <string>

#include "util.h"

namespace gstts {
namespace {

using v8::Array;
using v8::BigInt;
using v8::Boolean;
using v8::Null;

Local<Value> StrOrNull(Isolate* isolate, const char* s) {
  if (s == nullptr) return Null(isolate);
  return Str(isolate, s);
}

// Flags as a launch description writes them: nicks joined by '+' ('' for none).
std::string FlagsNicks(GType type, guint value) {
  std::string out;
  auto* klass = static_cast<GFlagsClass*>(g_type_class_ref(type));
  for (guint i = 0; i < klass->n_values; i++) {
    const GFlagsValue& v = klass->values[i];
    if (v.value != 0 && (value & v.value) == v.value) {
      if (!out.empty()) out += '+';
      out += v.value_nick;
      value &= ~v.value;
    }
  }
  g_type_class_unref(klass);
  return out;
}

// A GValue as JS: numbers, bigint for 64-bit integers, booleans, strings, enum nicks, flags
// nicks joined by '+', caps and other serialisable values as their string; else null.
Local<Value> ValueToJs(Isolate* isolate, const GValue* value) {
  GType type = G_VALUE_TYPE(value);
  switch (G_TYPE_FUNDAMENTAL(type)) {
    case G_TYPE_BOOLEAN: return Boolean::New(isolate, g_value_get_boolean(value));
    case G_TYPE_CHAR: return Number::New(isolate, g_value_get_schar(value));
    case G_TYPE_UCHAR: return Number::New(isolate, g_value_get_uchar(value));
    case G_TYPE_INT: return Number::New(isolate, g_value_get_int(value));
    case G_TYPE_UINT: return Number::New(isolate, g_value_get_uint(value));
    case G_TYPE_LONG: return BigInt::New(isolate, g_value_get_long(value));
    case G_TYPE_ULONG: return BigInt::NewFromUnsigned(isolate, g_value_get_ulong(value));
    case G_TYPE_INT64: return BigInt::New(isolate, g_value_get_int64(value));
    case G_TYPE_UINT64: return BigInt::NewFromUnsigned(isolate, g_value_get_uint64(value));
    case G_TYPE_FLOAT: return Number::New(isolate, g_value_get_float(value));
    case G_TYPE_DOUBLE: return Number::New(isolate, g_value_get_double(value));
    case G_TYPE_STRING: return StrOrNull(isolate, g_value_get_string(value));
    case G_TYPE_ENUM: {
      GEnumValue* v = g_enum_get_value(static_cast<GEnumClass*>(g_type_class_peek(type)), g_value_get_enum(value));
      if (v != nullptr) return Str(isolate, v->value_nick);
      return Number::New(isolate, g_value_get_enum(value));
    }
    case G_TYPE_FLAGS: return Str(isolate, FlagsNicks(type, g_value_get_flags(value)).c_str());
    case G_TYPE_BOXED:
      if (g_value_get_boxed(value) == nullptr) return Null(isolate);
      if (type == GST_TYPE_CAPS) {
        gchar* s = gst_caps_to_string(static_cast<const GstCaps*>(g_value_get_boxed(value)));
        Local<Value> out = Str(isolate, s);
        g_free(s);
        return out;
      }
      return Null(isolate);
    default: return Null(isolate);
  }
}

Local<Value> Range(Isolate* isolate, GParamSpec* pspec, bool max) {
  if (G_IS_PARAM_SPEC_CHAR(pspec)) return Number::New(isolate, max ? G_PARAM_SPEC_CHAR(pspec)->maximum : G_PARAM_SPEC_CHAR(pspec)->minimum);
  if (G_IS_PARAM_SPEC_UCHAR(pspec))
    return Number::New(isolate, max ? G_PARAM_SPEC_UCHAR(pspec)->maximum : G_PARAM_SPEC_UCHAR(pspec)->minimum);
  if (G_IS_PARAM_SPEC_INT(pspec)) return Number::New(isolate, max ? G_PARAM_SPEC_INT(pspec)->maximum : G_PARAM_SPEC_INT(pspec)->minimum);
  if (G_IS_PARAM_SPEC_UINT(pspec)) return Number::New(isolate, max ? G_PARAM_SPEC_UINT(pspec)->maximum : G_PARAM_SPEC_UINT(pspec)->minimum);
  if (G_IS_PARAM_SPEC_LONG(pspec)) return BigInt::New(isolate, max ? G_PARAM_SPEC_LONG(pspec)->maximum : G_PARAM_SPEC_LONG(pspec)->minimum);
  if (G_IS_PARAM_SPEC_ULONG(pspec))
    return BigInt::NewFromUnsigned(isolate, max ? G_PARAM_SPEC_ULONG(pspec)->maximum : G_PARAM_SPEC_ULONG(pspec)->minimum);
  if (G_IS_PARAM_SPEC_INT64(pspec))
    return BigInt::New(isolate, max ? G_PARAM_SPEC_INT64(pspec)->maximum : G_PARAM_SPEC_INT64(pspec)->minimum);
  if (G_IS_PARAM_SPEC_UINT64(pspec))
    return BigInt::NewFromUnsigned(isolate, max ? G_PARAM_SPEC_UINT64(pspec)->maximum : G_PARAM_SPEC_UINT64(pspec)->minimum);
  if (G_IS_PARAM_SPEC_FLOAT(pspec))
    return Number::New(isolate, max ? G_PARAM_SPEC_FLOAT(pspec)->maximum : G_PARAM_SPEC_FLOAT(pspec)->minimum);
  if (G_IS_PARAM_SPEC_DOUBLE(pspec))
    return Number::New(isolate, max ? G_PARAM_SPEC_DOUBLE(pspec)->maximum : G_PARAM_SPEC_DOUBLE(pspec)->minimum);
  return Null(isolate);
}

// [{ value, nick, name }] of an enum's or a flags type's values (Class: GEnumClass, GFlagsClass).
template <typename Class>
Local<Value> ValuesOfClass(Isolate* isolate, GType type) {
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Array> out = Array::New(isolate);
  auto* klass = static_cast<Class*>(g_type_class_ref(type));
  for (guint i = 0; i < klass->n_values; i++) {
    Local<Object> v = Object::New(isolate);
    Set(isolate, v, "value", Number::New(isolate, klass->values[i].value));
    Set(isolate, v, "nick", Str(isolate, klass->values[i].value_nick));
    Set(isolate, v, "name", Str(isolate, klass->values[i].value_name));
    out->Set(context, i, v).Check();
  }
  g_type_class_unref(klass);
  return out;
}

// The values of an enum or flags type (ValuesOfClass), else null.
Local<Value> ValuesOf(Isolate* isolate, GType type) {
  if (G_TYPE_IS_ENUM(type)) return ValuesOfClass<GEnumClass>(isolate, type);
  if (G_TYPE_IS_FLAGS(type)) return ValuesOfClass<GFlagsClass>(isolate, type);
  return Null(isolate);
}

Local<Value> Property(Isolate* isolate, GParamSpec* pspec) {
  Local<Object> p = Object::New(isolate);
  Set(isolate, p, "name", Str(isolate, pspec->name));
  Set(isolate, p, "nick", StrOrNull(isolate, g_param_spec_get_nick(pspec)));
  Set(isolate, p, "blurb", StrOrNull(isolate, g_param_spec_get_blurb(pspec)));
  Set(isolate, p, "owner", Str(isolate, g_type_name(pspec->owner_type)));
  Set(isolate, p, "valueType", Str(isolate, g_type_name(pspec->value_type)));
  Set(isolate, p, "fundamental", Str(isolate, g_type_name(G_TYPE_FUNDAMENTAL(pspec->value_type))));
  Set(isolate, p, "readable", Boolean::New(isolate, (pspec->flags & G_PARAM_READABLE) != 0));
  Set(isolate, p, "writable", Boolean::New(isolate, (pspec->flags & G_PARAM_WRITABLE) != 0));
  Set(isolate, p, "constructOnly", Boolean::New(isolate, (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0));
  Set(isolate, p, "deprecated", Boolean::New(isolate, (pspec->flags & G_PARAM_DEPRECATED) != 0));
  Set(isolate, p, "default", ValueToJs(isolate, g_param_spec_get_default_value(pspec)));
  Set(isolate, p, "minimum", Range(isolate, pspec, false));
  Set(isolate, p, "maximum", Range(isolate, pspec, true));
  Set(isolate, p, "values", ValuesOf(isolate, pspec->value_type));
  return p;
}

// A type name as the generator reads it; G_TYPE_NONE is 'void'.
Local<Value> TypeName(Isolate* isolate, GType type) {
  type &= ~G_SIGNAL_TYPE_STATIC_SCOPE;
  return Str(isolate, type == G_TYPE_NONE ? "void" : g_type_name(type));
}

Local<Value> Signal(Isolate* isolate, guint id) {
  Local<v8::Context> context = isolate->GetCurrentContext();
  GSignalQuery query;
  g_signal_query(id, &query);
  Local<Object> s = Object::New(isolate);
  Set(isolate, s, "name", Str(isolate, query.signal_name));
  Set(isolate, s, "owner", Str(isolate, g_type_name(query.itype)));
  Set(isolate, s, "action", Boolean::New(isolate, (query.signal_flags & G_SIGNAL_ACTION) != 0));
  Set(isolate, s, "returnType", TypeName(isolate, query.return_type));
  Set(isolate, s, "returnFundamental",
      Str(isolate,
          query.return_type == G_TYPE_NONE ? "void" : g_type_name(G_TYPE_FUNDAMENTAL(query.return_type & ~G_SIGNAL_TYPE_STATIC_SCOPE))));
  Local<Array> params = Array::New(isolate);
  Local<Array> fundamentals = Array::New(isolate);
  for (guint i = 0; i < query.n_params; i++) {
    GType t = query.param_types[i] & ~G_SIGNAL_TYPE_STATIC_SCOPE;
    params->Set(context, i, TypeName(isolate, t)).Check();
    fundamentals->Set(context, i, Str(isolate, g_type_name(G_TYPE_FUNDAMENTAL(t)))).Check();
  }
  Set(isolate, s, "paramTypes", params);
  Set(isolate, s, "paramFundamentals", fundamentals);
  return s;
}

// elementFactoryNames(): every element factory of the registry, sorted by name.
void ElementFactoryNames(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  GList* list = gst_element_factory_list_get_elements(GST_ELEMENT_FACTORY_TYPE_ANY, GST_RANK_NONE);
  list = g_list_sort(list, [](gconstpointer a, gconstpointer b) {
    return g_strcmp0(gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(a)), gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(b)));
  });
  Local<Array> out = Array::New(isolate);
  uint32_t i = 0;
  for (GList* l = list; l != nullptr; l = l->next) {
    out->Set(context, i++, Str(isolate, gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(l->data)))).Check();
  }
  gst_plugin_feature_list_free(list);
  args.GetReturnValue().Set(out);
}

// describeElement(factory): an element of that factory made and described, or null when the
// factory is not installed or makes no element.
void DescribeElement(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  if (!args[0]->IsString()) return ThrowType(isolate, "describeElement(factory): factory must be a string");
  v8::String::Utf8Value name(isolate, args[0]);
  GstElementFactory* factory = gst_element_factory_find(*name);
  if (factory == nullptr) return args.GetReturnValue().SetNull();
  GstElement* element = gst_element_factory_create(factory, nullptr);
  if (element == nullptr) {
    gst_object_unref(factory);
    return args.GetReturnValue().SetNull();
  }
  gst_object_ref_sink(element);
  GObject* instance = G_OBJECT(element);
  Local<Object> out = Object::New(isolate);
  Set(isolate, out, "factory", Str(isolate, *name));
  Set(isolate, out, "typeName", Str(isolate, G_OBJECT_TYPE_NAME(instance)));
  Set(isolate, out, "longName", StrOrNull(isolate, gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_LONGNAME)));
  Set(isolate, out, "klass", StrOrNull(isolate, gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS)));
  Set(isolate, out, "description", StrOrNull(isolate, gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_DESCRIPTION)));
  GstPlugin* plugin = gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(factory));
  Set(isolate, out, "plugin", StrOrNull(isolate, plugin ? gst_plugin_get_name(plugin) : nullptr));
  if (plugin) gst_object_unref(plugin);

  Local<Array> ancestry = Array::New(isolate);
  uint32_t n = 0;
  for (GType t = G_OBJECT_TYPE(instance); t != 0; t = g_type_parent(t)) ancestry->Set(context, n++, Str(isolate, g_type_name(t))).Check();
  Set(isolate, out, "ancestry", ancestry);
  Local<Array> interfaces = Array::New(isolate);
  guint n_ifaces = 0;
  GType* ifaces = g_type_interfaces(G_OBJECT_TYPE(instance), &n_ifaces);
  for (guint i = 0; i < n_ifaces; i++) interfaces->Set(context, i, Str(isolate, g_type_name(ifaces[i]))).Check();
  g_free(ifaces);
  Set(isolate, out, "interfaces", interfaces);

  guint n_props = 0;
  GParamSpec** pspecs = g_object_class_list_properties(G_OBJECT_GET_CLASS(instance), &n_props);
  Local<Array> props = Array::New(isolate);
  for (guint i = 0; i < n_props; i++) props->Set(context, i, Property(isolate, pspecs[i])).Check();
  g_free(pspecs);
  Set(isolate, out, "properties", props);

  Local<Array> signals = Array::New(isolate);
  n = 0;
  for (GType t = G_OBJECT_TYPE(instance); t != 0; t = g_type_parent(t)) {
    guint n_ids = 0;
    guint* ids = g_signal_list_ids(t, &n_ids);
    for (guint i = 0; i < n_ids; i++) signals->Set(context, n++, Signal(isolate, ids[i])).Check();
    g_free(ids);
  }
  Set(isolate, out, "signals", signals);

  Local<Array> pads = Array::New(isolate);
  n = 0;
  for (const GList* l = gst_element_factory_get_static_pad_templates(factory); l != nullptr; l = l->next) {
    auto* tpl = static_cast<GstStaticPadTemplate*>(l->data);
    Local<Object> p = Object::New(isolate);
    Set(isolate, p, "name", Str(isolate, tpl->name_template));
    Set(isolate, p, "direction", Str(isolate, tpl->direction == GST_PAD_SRC ? "src" : tpl->direction == GST_PAD_SINK ? "sink" : "unknown"));
    Set(isolate, p, "presence",
        Str(isolate, tpl->presence == GST_PAD_ALWAYS      ? "always"
                     : tpl->presence == GST_PAD_SOMETIMES ? "sometimes"
                                                          : "request"));
    Set(isolate, p, "caps", StrOrNull(isolate, tpl->static_caps.string));
    pads->Set(context, n++, p).Check();
  }
  Set(isolate, out, "padTemplates", pads);

  gst_object_unref(element);
  gst_object_unref(factory);
  args.GetReturnValue().Set(out);
}

}  // namespace

void InitParams(Local<Object> exports) {
  NODE_SET_METHOD(exports, "elementFactoryNames", ElementFactoryNames);
  NODE_SET_METHOD(exports, "describeElement", DescribeElement);
}

}  // namespace gstts
