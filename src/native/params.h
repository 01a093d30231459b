// What the registry knows of an element factory (src/native/params.cc).
#pragma once
#include <v8.h>

namespace gstts {

// Registers elementFactoryNames and describeElement on the addon's exports.
void InitParams(v8::Local<v8::Object> exports);

}  // namespace gstts
