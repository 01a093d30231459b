// Frame copies shared by frames.cc (copyBuffer, copyVideo) and samples.cc (pullFrames).
#pragma once

#include <gst/gst.h>
#include <v8.h>

#include "layout.h"

namespace gstts {

// Copies a buffer's bytes into a new JS-owned ArrayBuffer. With a packed video layout whose
// rows are padded, the rows are packed (width * pixel stride bytes each), so that element
// [row, column, channel] is where a [height, width, channels] reader expects it.
// Empty (with a JS exception pending) when the buffer cannot be read.
v8::Local<v8::Value> CopyBytes(v8::Isolate* isolate, GstBuffer* buffer, const Layout* layout);

// Adds to the bytes copied into frames so far (what src/samples.ts collects garbage by).
void CountCopiedBytes(size_t size);

}  // namespace gstts
