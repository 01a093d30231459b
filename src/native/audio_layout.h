// Audio layout read from caps (gst_audio_info_from_caps), and its JS form (NativeAudioLayout in
// src/native.ts). Read here rather than through GI: from GStreamer 1.26 the GIR gives
// GstAudioFormatInfo a pointer GType, which node-gtk copies as if it were boxed and fails on
// (docs/node-gtk.md, "Audio info"), so `AudioInfo.finfo` is unreadable from JS there.
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>
#include <v8.h>

namespace gstts {

// False for caps that are not raw audio with at least one channel.
bool ReadAudioLayout(GstCaps* caps, GstAudioInfo* out);

// { media: 'audio', format, rate, channels, bpf, width, depth, signed, float, littleEndian, interleaved }
v8::Local<v8::Object> AudioLayoutObject(v8::Isolate* isolate, const GstAudioInfo& info);

void InitAudioLayout(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

}  // namespace gstts
