// Small helpers shared by the native files: strings, throws, object fields, version shims.
#pragma once

#include <node.h>
#include <v8.h>

#include <string>

namespace gstts {

// The V8 names every concern uses, for the files that include this one (others they add themselves).
using v8::FunctionCallbackInfo;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::String;
using v8::Value;

inline v8::Local<v8::String> Str(v8::Isolate* isolate, const char* s) { return v8::String::NewFromUtf8(isolate, s).ToLocalChecked(); }

inline void ThrowType(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::TypeError(Str(isolate, message.c_str())));
}

inline void ThrowError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::Error(Str(isolate, message.c_str())));
}

inline void ThrowRange(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::RangeError(Str(isolate, message.c_str())));
}

inline void Set(v8::Isolate* isolate, v8::Local<v8::Object> obj, const char* key, v8::Local<v8::Value> value) {
  obj->Set(isolate->GetCurrentContext(), Str(isolate, key), value).Check();
}

// V8 14 tags external pointers (V8_EXTERNAL_POINTER_TAG_COUNT comes with the tagged API).
inline v8::Local<v8::External> NewExternal(v8::Isolate* isolate, void* value) {
#ifdef V8_EXTERNAL_POINTER_TAG_COUNT
  return v8::External::New(isolate, value, v8::kExternalPointerTypeTagDefault);
#else
  return v8::External::New(isolate, value);
#endif
}

inline void* ExternalValue(v8::Local<v8::Value> value) {
#ifdef V8_EXTERNAL_POINTER_TAG_COUNT
  return value.As<v8::External>()->Value(v8::kExternalPointerTypeTagDefault);
#else
  return value.As<v8::External>()->Value();
#endif
}

// exports[name] = fn, with `data` (a concern's per-environment state) as the function's data.
inline void SetMethod(v8::Local<v8::Context> context, v8::Local<v8::Object> exports, const char* name, v8::FunctionCallback fn,
                      void* data) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();  // V8 14 has no Context::GetIsolate()
  v8::Local<v8::FunctionTemplate> tpl = v8::FunctionTemplate::New(isolate, fn, NewExternal(isolate, data));
  v8::Local<v8::Function> function = tpl->GetFunction(context).ToLocalChecked();
  v8::Local<v8::String> key = Str(isolate, name);
  function->SetName(key);
  exports->Set(context, key, function).Check();
}

// The per-environment state SetMethod gave this function.
template <typename T>
T* DataOf(const v8::FunctionCallbackInfo<v8::Value>& args) {
  return static_cast<T*>(ExternalValue(args.Data()));
}

// A flag of a call that takes its flags as an options object (`{ write: true }`): whether
// `options[key]` is true (false when `options` is not an object or has no such field).
inline bool BoolOption(v8::Isolate* isolate, v8::Local<v8::Value> options, const char* key) {
  if (!options->IsObject()) return false;
  v8::Local<v8::String> name = v8::String::NewFromUtf8(isolate, key, v8::NewStringType::kInternalized).ToLocalChecked();
  v8::Local<v8::Value> value;
  return options.As<v8::Object>()->Get(isolate->GetCurrentContext(), name).ToLocal(&value) && value->IsTrue();
}

inline double NumberOr(v8::Local<v8::Value> value, double fallback) {
  return value->IsNumber() ? value.As<v8::Number>()->Value() : fallback;
}

}  // namespace gstts
