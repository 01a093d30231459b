// How long a pipeline's sources have been silent (src/source-watch.ts decides what that means).
//
// A buffer probe on each src pad of the watched sources stores the time of the latest buffer
// (one relaxed atomic store per buffer, on the streaming thread; nothing else runs there). The JS
// thread asks from a timer: sourceSilence rescans the pipeline (pads and elements that appeared
// since: rtspsrc adds its pads once the server answers, uridecodebin makes its source on the way
// to PAUSED), probes what is new, and answers the time since the latest buffer.
//
// Watched: elements whose factory's klass holds "Source/Network" (rtspsrc, udpsrc, souphttpsrc,
// tcpclientsrc, srtsrc...), read from the registry at run time; a watched element is not entered
// (rtspsrc's own udpsrc for RTCP would otherwise count its reports as the stream). With `live`,
// also live base sources (v4l2src, appsrc is-live=true...).

#include <gst/base/gstbasesrc.h>

#include <atomic>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "addon.h"
#include "nodegtk.h"
#include "registry.h"
#include "util.h"

namespace gstts {

namespace {

using v8::Array;

// Shared by the probes and the watch: freed by the last of them (a probe's callback may still be
// running on a streaming thread when gst_pad_remove_probe returns; GLib calls the destroy notify after it).
struct Flow {
  std::atomic<gint64> last_us;
  std::atomic<int> refs{1};
  void Ref() { refs.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

struct Probe {
  GstPad* pad;  // a reference: the pad outlives the probe even when its element drops it
  gulong id;
};

struct SourceWatch {
  GstElement* pipeline = nullptr;  // a reference
  bool live = false;
  Flow* flow = nullptr;
  std::vector<Probe> probes;
  std::unordered_set<GstPad*> probed;
  std::vector<std::string> names;  // the watched sources, in the order found
};

GstPadProbeReturn OnBuffer(GstPad*, GstPadProbeInfo*, gpointer data) {
  static_cast<Flow*>(data)->last_us.store(g_get_monotonic_time(), std::memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}

bool IsNetworkSource(GstElement* element) {
  const gchar* klass = gst_element_class_get_metadata(GST_ELEMENT_GET_CLASS(element), GST_ELEMENT_METADATA_KLASS);
  return klass != nullptr && strstr(klass, "Source/Network") != nullptr;
}

bool IsLiveSource(GstElement* element) { return GST_IS_BASE_SRC(element) && gst_base_src_is_live(GST_BASE_SRC(element)); }

// Probes the src pads of `element` not probed yet.
void ProbeSrcPads(SourceWatch* w, GstElement* element) {
  std::vector<GstPad*> pads;
  GST_OBJECT_LOCK(element);
  for (GList* l = element->srcpads; l != nullptr; l = l->next) pads.push_back(GST_PAD(gst_object_ref(l->data)));
  GST_OBJECT_UNLOCK(element);
  for (GstPad* pad : pads) {
    if (w->probed.count(pad)) {
      gst_object_unref(pad);
      continue;
    }
    w->flow->Ref();
    gulong id = gst_pad_add_probe(pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST), OnBuffer, w->flow,
                                  [](gpointer data) { static_cast<Flow*>(data)->Unref(); });
    if (id == 0) {
      w->flow->Unref();
      gst_object_unref(pad);
      continue;
    }
    w->probed.insert(pad);
    w->probes.push_back({pad, id});
  }
}

// Finds the watched sources inside `bin` (sub-bins too) and probes their new pads.
void Scan(SourceWatch* w, GstBin* bin) {
  std::vector<GstElement*> children;
  GST_OBJECT_LOCK(bin);
  for (GList* l = bin->children; l != nullptr; l = l->next) children.push_back(GST_ELEMENT(gst_object_ref(l->data)));
  GST_OBJECT_UNLOCK(bin);
  for (GstElement* child : children) {
    if (IsNetworkSource(child) || (w->live && IsLiveSource(child))) {
      gchar* name = gst_object_get_name(GST_OBJECT(child));
      std::string text = name ? name : "";
      g_free(name);
      bool known = false;
      for (const auto& n : w->names) known = known || n == text;
      if (!known) w->names.push_back(text);
      ProbeSrcPads(w, child);
    } else if (GST_IS_BIN(child)) {
      Scan(w, GST_BIN(child));
    }
    gst_object_unref(child);
  }
}

// `w` is out of the registry already.
void Unwatch(SourceWatch* w) {
  for (const Probe& p : w->probes) {
    gst_pad_remove_probe(p.pad, p.id);  // its destroy notify drops the probe's hold on the flow
    gst_object_unref(p.pad);
  }
  w->flow->Unref();
  gst_object_unref(w->pipeline);
  delete w;
}

// watchSources(pipeline, { live }): id. Silence counts from now.
void WatchSources(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* all = DataOf<Registry<SourceWatch>>(args);
  GObject* pipeline = UnwrapObject(isolate, args[0], GST_TYPE_BIN, "expected a Gst.Bin");
  if (!pipeline) return;
  auto* w = new SourceWatch();
  w->pipeline = GST_ELEMENT(gst_object_ref(pipeline));
  w->live = BoolOption(isolate, args[1], "live");
  w->flow = new Flow();
  w->flow->last_us.store(g_get_monotonic_time(), std::memory_order_relaxed);
  args.GetReturnValue().Set(Integer::New(isolate, all->Add(w)));
}

// The fields of sourceSilence's answer, by position: src/native.ts's SourceSilence names them the
// same (test/native-boundary.test.ts checks that the two agree).
enum SilenceField { kSilentMs, kSources, kState, kTarget, kSilenceFields /* how many */ };

// sourceSilence(id, { restart }): [ms since the watched sources' latest buffer (or the watch's start),
// their names (empty: none found yet), the pipeline's current state, its target state].
// With `restart` (or while the pipeline is not meant to play) the silence starts again from now.
void SourceSilence(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  auto* all = DataOf<Registry<SourceWatch>>(args);
  SourceWatch* w = all->Find(args[0]);
  if (w == nullptr) {
    ThrowError(isolate, "sourceSilence: no such watch");
    return;
  }
  Scan(w, GST_BIN(w->pipeline));
  GST_OBJECT_LOCK(w->pipeline);
  GstState state = GST_STATE(w->pipeline);
  GstState target = GST_STATE_TARGET(w->pipeline);
  GST_OBJECT_UNLOCK(w->pipeline);
  gint64 now = g_get_monotonic_time();
  if (BoolOption(isolate, args[1], "restart") || target != GST_STATE_PLAYING) w->flow->last_us.store(now, std::memory_order_relaxed);
  double silent_ms = double(now - w->flow->last_us.load(std::memory_order_relaxed)) / 1000.0;
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Array> names = Array::New(isolate, int(w->names.size()));
  for (size_t i = 0; i < w->names.size(); i++) names->Set(context, uint32_t(i), Str(isolate, w->names[i].c_str())).Check();
  Local<Value> fields[kSilenceFields];
  fields[kSilentMs] = Number::New(isolate, silent_ms < 0 ? 0 : silent_ms);
  fields[kSources] = names;
  fields[kState] = Integer::New(isolate, state);
  fields[kTarget] = Integer::New(isolate, target);
  args.GetReturnValue().Set(Array::New(isolate, fields, kSilenceFields));
}

// unwatchSources(id): removes the probes. Idempotent.
void UnwatchSources(const FunctionCallbackInfo<Value>& args) {
  if (SourceWatch* w = DataOf<Registry<SourceWatch>>(args)->Take(args[0])) Unwatch(w);
}

}  // namespace

void InitSourceWatch(Local<v8::Context> context, Local<v8::Object> exports, Addon* addon) {
  auto* all = NewRegistry<SourceWatch>(addon, Unwatch);
  SetMethod(context, exports, "watchSources", WatchSources, all);
  SetMethod(context, exports, "sourceSilence", SourceSilence, all);
  SetMethod(context, exports, "unwatchSources", UnwatchSources, all);
}

}  // namespace gstts
