// GStreamer elements whose per-frame work runs in JavaScript (src/element/).
#pragma once

#include <v8.h>

namespace gstts {

/** Adds defineElement, elementGet, elementSet, elementIdOf, elementTakeFinalized to `exports`. */
void InitElement(v8::Local<v8::Object> exports);

}  // namespace gstts
