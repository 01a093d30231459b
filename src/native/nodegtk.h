// src/native/nodegtk.h
#pragma once
#include <gst/gst.h>
#include <v8.h>
namespace gstts {
// The C object inside a node-gtk wrapper, checked; on a mismatch each throws a JS TypeError and returns nullptr.
GstBuffer* UnwrapBuffer(v8::Isolate* isolate, v8::Local<v8::Value> value);
GstCaps* UnwrapCaps(v8::Isolate* isolate, v8::Local<v8::Value> value);
GstMemory* UnwrapMemory(v8::Isolate* isolate, v8::Local<v8::Value> value);
GObject* UnwrapObject(v8::Isolate* isolate, v8::Local<v8::Value> value, GType type, const char* what);
}
