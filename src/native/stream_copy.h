// Copies of frames made on the streaming thread, as they reach an appsink (see stream_copy.cc).
#pragma once

#include <gst/gst.h>
#include <v8.h>

#include "layout.h"

namespace gstts {

// When `buffer` is a copy stream_copy.cc made and its bytes are what CopyBytes would produce
// for `layout` (null: the raw bytes), an ArrayBuffer over that copy, which it then owns: the
// first caller takes it, later ones get an empty handle and copy as usual.
v8::Local<v8::ArrayBuffer> TakeStreamCopy(v8::Isolate* isolate, GstBuffer* buffer, const Layout* layout);

}  // namespace gstts
