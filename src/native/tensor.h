// Frames as model inputs (tensorConvert) and the benchmark's bandwidth bound (src/native/tensor.cc).
#pragma once

#include <v8.h>

namespace gstts {

void InitTensor(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

}  // namespace gstts
