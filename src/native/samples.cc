// Pulling samples from an appsink on the JS thread, with no node-gtk call per frame.

#include <gst/app/gstappsink.h>

#include "addon.h"
#include "audio_layout.h"
#include "frames.h"
#include "layout.h"
#include "meta.h"
#include "nodegtk.h"
#include "pool.h"
#include "times.h"
#include "util.h"

#include <cstring>
#include <vector>

namespace gstts {

namespace {

using v8::Array;

// A pulled frame's fields, by position: src/native.ts's NativeFrame names them the same
// (test/native-boundary.test.ts checks that the two agree).
enum FrameField { kBytes, kPts, kDts, kDuration, kOffset, kLayout, kCopied, kObjects, kFrameFields /* how many */ };

// pullFrames(appsink, max: number, { zeroCopy }): Frame[]; each frame is
// [ArrayBuffer, pts, dts, duration, offset, layout | null (when caps changed: a video or an audio
// layout, by its `media`), copied: boolean, objects] (FrameField).
// A zero-copy frame is a view of the whole buffer unless its layout is not the caps' (then a copy).
// The caps seen last ride on the sink (qdata), so each sink reports its own caps changes.
void PullFrames(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<v8::Context> context = isolate->GetCurrentContext();
  GObject* sink = UnwrapObject(isolate, args[0], GST_TYPE_APP_SINK, "expected a GstApp.AppSink");
  if (!sink) return;
  int max = args[1]->IsNumber() ? int(args[1].As<Number>()->Value()) : 1;
  bool zero_copy = BoolOption(isolate, args[2], "zeroCopy");
  static GQuark caps_quark = g_quark_from_static_string("gstreamer-ts-last-caps");

  Local<Array> out = Array::New(isolate);
  for (int i = 0; i < max; i++) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 0);
    if (!sample) break;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstCaps* caps = gst_sample_get_caps(sample);
    Layout layout;
    ReadLayout(caps, &layout);
    Local<Value> layout_value = v8::Null(isolate);
    if (caps != g_object_get_qdata(sink, caps_quark)) {
      g_object_set_qdata_full(sink, caps_quark, caps ? gst_caps_ref(caps) : nullptr, (GDestroyNotify)gst_caps_unref);
      GstAudioInfo audio;
      if (layout.video)
        layout_value = LayoutObject(isolate, layout);
      else if (ReadAudioLayout(caps, &audio))
        layout_value = AudioLayoutObject(isolate, audio);
    }
    Local<Value> data;
    bool copied = true;
    if (buffer == nullptr) {
      data = v8::ArrayBuffer::New(isolate, 0);
    } else if (zero_copy && (!layout.video || ViewableAsCaps(buffer, layout))) {
      copied = false;
      data = ReadView(isolate, buffer);
      if (data.IsEmpty()) {
        gst_sample_unref(sample);
        ThrowError(isolate, "gst_buffer_map(READ) failed");
        return;
      }
    } else {
      data = CopyBytes(isolate, buffer, layout.video ? &layout : nullptr);
      if (data.IsEmpty()) {
        gst_sample_unref(sample);
        return;
      }
    }
    Local<Value> fields[kFrameFields];
    fields[kBytes] = data;
    fields[kPts] = Number::New(isolate, buffer ? TimeOrNone(GST_BUFFER_PTS(buffer)) : -1);
    fields[kDts] = Number::New(isolate, buffer ? TimeOrNone(GST_BUFFER_DTS(buffer)) : -1);
    fields[kDuration] = Number::New(isolate, buffer ? TimeOrNone(GST_BUFFER_DURATION(buffer)) : -1);
    fields[kOffset] = Number::New(isolate, OffsetOrNone(buffer));
    fields[kLayout] = layout_value;
    fields[kCopied] = v8::Boolean::New(isolate, copied);
    fields[kObjects] = buffer ? ObjectsOf(isolate, buffer) : v8::Undefined(isolate).As<Value>();
    out->Set(context, out->Length(), Array::New(isolate, fields, kFrameFields)).Check();
    gst_sample_unref(sample);
  }
  args.GetReturnValue().Set(out);
}

// benchCopyLimit(appsink): { frames, checksum }. The benchmark's copy limit: pulls every sample
// until end of stream (blocking the JS thread) and copies each frame into one reused buffer, the
// least work any path that hands out a copy per frame can do. checksum: the middle byte of each
// frame, summed mod 2^32 (the benchmark's checksum for 8-bit formats).
void BenchCopyLimit(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  GObject* sink = UnwrapObject(isolate, args[0], GST_TYPE_APP_SINK, "expected a GstApp.AppSink");
  if (!sink) return;
  std::vector<guint8> frame;
  double frames = 0;
  guint32 checksum = 0;
  while (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstMapInfo map;
    if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      if (frame.size() < map.size) frame.resize(map.size);
      memcpy(frame.data(), map.data, map.size);
      if (map.size) checksum += frame[map.size / 2];
      gst_buffer_unmap(buffer, &map);
    }
    frames++;
    gst_sample_unref(sample);
  }
  Local<v8::Object> result = v8::Object::New(isolate);
  Set(isolate, result, "frames", Number::New(isolate, frames));
  Set(isolate, result, "checksum", Number::New(isolate, checksum));
  args.GetReturnValue().Set(result);
}

}  // namespace

void InitSamples(Local<v8::Context> context, Local<v8::Object> exports, Addon* addon) {
  SetMethod(context, exports, "pullFrames", PullFrames, addon);
  SetMethod(context, exports, "benchCopyLimit", BenchCopyLimit, addon);
}

}  // namespace gstts
