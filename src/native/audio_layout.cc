// Audio layout from caps (see audio_layout.h).

#include "audio_layout.h"

#include "nodegtk.h"
#include "util.h"

namespace gstts {

using v8::Boolean;

bool ReadAudioLayout(GstCaps* caps, GstAudioInfo* out) {
  gst_audio_info_init(out);
  // Unfixed caps ('audio/x-raw' alone) describe no one layout; GStreamer would log a CRITICAL.
  if (caps == nullptr || !gst_caps_is_fixed(caps) || !gst_audio_info_from_caps(out, caps)) return false;
  return GST_AUDIO_INFO_FORMAT(out) != GST_AUDIO_FORMAT_UNKNOWN && GST_AUDIO_INFO_CHANNELS(out) > 0;
}

Local<Object> AudioLayoutObject(Isolate* isolate, const GstAudioInfo& info) {
  Local<Object> obj = Object::New(isolate);
  const GstAudioFormatInfo* finfo = info.finfo;
  Set(isolate, obj, "media", Str(isolate, "audio"));
  Set(isolate, obj, "format", Str(isolate, GST_AUDIO_FORMAT_INFO_NAME(finfo)));
  Set(isolate, obj, "rate", Integer::New(isolate, GST_AUDIO_INFO_RATE(&info)));
  Set(isolate, obj, "channels", Integer::New(isolate, GST_AUDIO_INFO_CHANNELS(&info)));
  Set(isolate, obj, "bpf", Integer::New(isolate, GST_AUDIO_INFO_BPF(&info)));
  Set(isolate, obj, "width", Integer::New(isolate, GST_AUDIO_FORMAT_INFO_WIDTH(finfo)));
  Set(isolate, obj, "depth", Integer::New(isolate, GST_AUDIO_FORMAT_INFO_DEPTH(finfo)));
  Set(isolate, obj, "signed", Boolean::New(isolate, GST_AUDIO_FORMAT_INFO_IS_SIGNED(finfo)));
  Set(isolate, obj, "float", Boolean::New(isolate, GST_AUDIO_FORMAT_INFO_IS_FLOAT(finfo)));
  Set(isolate, obj, "littleEndian", Boolean::New(isolate, GST_AUDIO_FORMAT_INFO_IS_LITTLE_ENDIAN(finfo)));
  Set(isolate, obj, "interleaved", Boolean::New(isolate, GST_AUDIO_INFO_LAYOUT(&info) == GST_AUDIO_LAYOUT_INTERLEAVED));
  return obj;
}

namespace {

// audioLayout(caps: Gst.Caps): NativeAudioLayout | null
void AudioLayout(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GstCaps* caps = UnwrapCaps(isolate, args[0]);
  if (!caps) return;
  GstAudioInfo info;
  if (!ReadAudioLayout(caps, &info)) {
    args.GetReturnValue().SetNull();
    return;
  }
  args.GetReturnValue().Set(AudioLayoutObject(isolate, info));
}

}  // namespace

void InitAudioLayout(Local<v8::Context> context, Local<Object> exports) {
  SetMethod(context, exports, "audioLayout", AudioLayout, nullptr);
}

}  // namespace gstts
