// Object-detection metadata on buffers: a GstMeta of our own that holds a list of objects
// (bounding box, confidence, class name, track id), the native side of src/meta.ts.
#pragma once
#include <gst/gst.h>
#include <v8.h>

#include "analytics.h"

namespace gstts {

// Registers metaWrite, metaGet and metaRemove on the addon's exports (called from its Init).
void InitMeta(v8::Local<v8::Object> exports);

// The objects `buffer` carries, as a new JS array of plain objects
// `{ boundingBox: [x, y, width, height], confidence, className, trackId }`, in the order they
// were written; `undefined` when the buffer has no object metadata at all (an empty array means
// it has the metadata, with no objects in it). Never throws; call on the JS thread, inside a
// HandleScope and a Context.
v8::Local<v8::Value> ObjectsOf(v8::Isolate* isolate, GstBuffer* buffer);

// Appends objects given as metaWrite takes them (a Float64Array of 6 numbers per object, the
// class names) to the objects `buffer` carries (an element's frame: src/native/element.cc).
// Nothing (nullptr) when done, else why not (a malformed list leaves a pending JS exception).
const char* AppendObjects(v8::Isolate* isolate, GstBuffer* buffer, v8::Local<v8::Value> numbers, v8::Local<v8::Value> names);

}  // namespace gstts
