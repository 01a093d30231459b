// GStreamer's analytics metadata, both ways (see analytics.h).
//
// Why native, through dlopen: the API is C functions taking handles the caller allocates
// (GstAnalyticsODMtd on the stack), called per object per frame on streaming threads; through
// node-gtk each would be a JS call with boxed out-arguments. dlopen keeps one addon binary for
// every GStreamer: the headers of libgstanalytics are not needed to build it (the few types used
// are declared below, as the library's 1.24 headers define them), and where the library is
// missing (GStreamer 1.22) the addon loads and this part says it is unavailable.
//
// How the project's objects are told from an upstream element's: with its object-detection
// entries the project adds one entry of its own type ("GstTsObjects", a marker) listing their
// ids. The marker lives in the relation meta, so it is copied (and scaled) with it, and a relation
// meta made anew downstream has none: src/native/meta.cc leaves out the listed entries when the
// buffer also carries the project's meta (the same objects, exact there), and returns them when it
// does not.

#include "analytics.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_set>

namespace gstts {
namespace {

// --- the library's types, as gst/analytics/gstanalyticsmeta.h declares them (1.24 to 1.26) ---

struct RelationMeta;  // opaque
using MtdType = guintptr;
struct Mtd {
  guint id;
  RelationMeta* meta;
};
struct MtdImpl {
  const char* name;
  gboolean (*mtd_meta_transform)(GstBuffer*, Mtd*, GstBuffer*, GQuark, gpointer);
  gpointer reserved[GST_PADDING_LARGE];
};
struct InitParams {
  gsize initial_relation_order;
  gsize initial_buf_size;
};
constexpr int kRelateTo = 1 << 3;       // GST_ANALYTICS_REL_TYPE_RELATE_TO
constexpr int kAnyRelation = G_MAXINT;  // GST_ANALYTICS_REL_TYPE_ANY
constexpr MtdType kAnyType = 0;         // GST_ANALYTICS_MTD_TYPE_ANY

struct Api {
  RelationMeta* (*add_meta_full)(GstBuffer*, InitParams*);
  RelationMeta* (*get_meta)(GstBuffer*);
  gboolean (*iterate)(RelationMeta*, gpointer*, MtdType, Mtd*);
  MtdType (*mtd_type)(Mtd*);
  const gchar* (*type_name)(MtdType);
  gsize (*mtd_size)(Mtd*);
  gpointer (*mtd_data)(RelationMeta*, guint);
  gpointer (*add_mtd)(RelationMeta*, const MtdImpl*, gsize, Mtd*);
  int (*get_relation)(RelationMeta*, guint, guint);
  gboolean (*set_relation)(RelationMeta*, int, guint, guint);
  gboolean (*direct_related)(RelationMeta*, guint, int, MtdType, gpointer*, Mtd*);
  MtdType (*od_type)();
  gboolean (*od_location)(const Mtd*, gint*, gint*, gint*, gint*, gfloat*);
  GQuark (*od_class)(const Mtd*);
  gboolean (*add_od)(RelationMeta*, GQuark, gint, gint, gint, gint, gfloat, Mtd*);
  MtdType (*tracking_type)();
  gboolean (*tracking_info)(const Mtd*, guint64*, GstClockTime*, GstClockTime*, gboolean*);
  gboolean (*add_tracking)(RelationMeta*, guint64, GstClockTime, Mtd*);
};

// The library's functions, or null when it (or one of them) is missing.
const Api* Library() {
  static const Api* api = []() -> const Api* {
    void* lib = dlopen("libgstanalytics-1.0.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return nullptr;  // never closed: its metas outlive any use of ours
    static Api a;
    bool ok = true;
    auto get = [&](auto& fn, const char* name) {
      void* symbol = dlsym(lib, name);
      ok = ok && symbol != nullptr;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
    };
    get(a.add_meta_full, "gst_buffer_add_analytics_relation_meta_full");
    get(a.get_meta, "gst_buffer_get_analytics_relation_meta");
    get(a.iterate, "gst_analytics_relation_meta_iterate");
    get(a.mtd_type, "gst_analytics_mtd_get_mtd_type");
    get(a.type_name, "gst_analytics_mtd_type_get_name");
    get(a.mtd_size, "gst_analytics_mtd_get_size");
    get(a.mtd_data, "gst_analytics_relation_meta_get_mtd_data");
    get(a.add_mtd, "gst_analytics_relation_meta_add_mtd");
    get(a.get_relation, "gst_analytics_relation_meta_get_relation");
    get(a.set_relation, "gst_analytics_relation_meta_set_relation");
    get(a.direct_related, "gst_analytics_relation_meta_get_direct_related");
    get(a.od_type, "gst_analytics_od_mtd_get_mtd_type");
    get(a.od_location, "gst_analytics_od_mtd_get_location");
    get(a.od_class, "gst_analytics_od_mtd_get_obj_type");
    get(a.add_od, "gst_analytics_relation_meta_add_od_mtd");
    get(a.tracking_type, "gst_analytics_tracking_mtd_get_mtd_type");
    get(a.tracking_info, "gst_analytics_tracking_mtd_get_info");
    get(a.add_tracking, "gst_analytics_relation_meta_add_tracking_mtd");
    return ok ? &a : nullptr;
  }();
  return api;
}

// The marker's type. Its data: the ids (guint) of the object-detection entries written with it.
// Recognised by name, so markers written by another copy of this addon in the process count too.
constexpr char kMarkerName[] = "GstTsObjects";
const MtdImpl kMarker = {kMarkerName, nullptr, {}};

// A relation meta keeps an n x n matrix of relations between its n entries (and grows it by a
// few rows at a time), so entries are written for at most this many objects per buffer (at most
// 2 entries each: 1 MB of matrix). Further objects are in the project's meta only.
constexpr size_t kMaxObjects = 512;

bool IsMarker(const Api& api, Mtd& mtd) {
  const gchar* name = api.type_name(api.mtd_type(&mtd));
  return name != nullptr && std::strcmp(name, kMarkerName) == 0;
}

gint ToInt(double v) { return gint(std::clamp(std::round(v), double(G_MININT), double(G_MAXINT))); }

gfloat ToFloat(double v) { return gfloat(std::clamp(v, -double(G_MAXFLOAT), double(G_MAXFLOAT))); }

// The track id of the tracking entry related to `od` (either way round), 0 when none.
gint64 TrackOf(const Api& api, RelationMeta* meta, const Mtd& od, const std::vector<Mtd>& tracks) {
  Mtd track = {0, nullptr};
  gpointer state = nullptr;
  bool found = api.direct_related(meta, od.id, kAnyRelation, api.tracking_type(), &state, &track);
  for (size_t i = 0; !found && i < tracks.size(); i++) {
    if (api.get_relation(meta, tracks[i].id, od.id) != 0) {
      track = tracks[i];
      found = true;
    }
  }
  guint64 id = 0;
  GstClockTime first = 0, last = 0;
  gboolean lost = FALSE;
  if (!found || !api.tracking_info(&track, &id, &first, &last, &lost)) return 0;
  return gint64(std::min<guint64>(id, guint64(G_MAXINT64)));
}

}  // namespace

bool AnalyticsAvailable() { return Library() != nullptr; }

bool AnalyticsHasObjects(GstBuffer* buffer) {
  const Api* api = Library();
  RelationMeta* meta = api ? api->get_meta(buffer) : nullptr;
  if (meta == nullptr) return false;
  Mtd mtd;
  gpointer state = nullptr;
  while (api->iterate(meta, &state, kAnyType, &mtd)) {
    if (api->mtd_type(&mtd) == api->od_type() || IsMarker(*api, mtd)) return true;
  }
  return false;
}

bool AnalyticsRemove(GstBuffer* buffer) {
  if (!AnalyticsHasObjects(buffer)) return false;
  return gst_buffer_remove_meta(buffer, reinterpret_cast<GstMeta*>(Library()->get_meta(buffer)));
}

void AnalyticsAppend(GstBuffer* buffer, const std::vector<ObjectInfo>& objects) {
  const Api* api = Library();
  if (api == nullptr || objects.empty()) return;
  RelationMeta* meta = api->get_meta(buffer);
  size_t already = 0;
  if (meta != nullptr) {
    Mtd mtd;
    gpointer state = nullptr;
    while (api->iterate(meta, &state, api->od_type(), &mtd)) already++;
  }
  size_t count = std::min(objects.size(), kMaxObjects - std::min(already, kMaxObjects));
  if (count == 0) return;
  if (meta == nullptr) {
    // Sized for these entries at once: a meta grows its matrix a few rows at a time otherwise.
    gsize entries = 1;
    for (size_t i = 0; i < count; i++) entries += objects[i].track_id > 0 ? 2 : 1;
    InitParams params = {entries, entries * 64 + count * sizeof(guint)};
    meta = api->add_meta_full(buffer, &params);
    if (meta == nullptr) return;
  }
  GstClockTime pts = GST_BUFFER_PTS(buffer);
  std::vector<guint> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; i++) {
    const ObjectInfo& o = objects[i];
    // A GQuark is a C string: a class name holding a NUL byte is cut there.
    GQuark klass = g_quark_from_string(o.class_name.c_str());
    gint x = ToInt(o.x), y = ToInt(o.y);
    gint w = std::max(0, ToInt(o.x + o.width) - x), h = std::max(0, ToInt(o.y + o.height) - y);
    Mtd od = {0, nullptr};
    if (!api->add_od(meta, klass, x, y, w, h, ToFloat(o.confidence), &od)) continue;
    ids.push_back(od.id);
    Mtd track = {0, nullptr};
    if (o.track_id > 0 && api->add_tracking(meta, guint64(o.track_id), pts, &track)) {
      api->set_relation(meta, kRelateTo, od.id, track.id);
      api->set_relation(meta, kRelateTo, track.id, od.id);
    }
  }
  Mtd marker = {0, nullptr};
  auto* data = static_cast<guint*>(api->add_mtd(meta, &kMarker, ids.size() * sizeof(guint), &marker));
  if (marker.meta != nullptr && !ids.empty()) std::memcpy(data, ids.data(), ids.size() * sizeof(guint));
}

bool AnalyticsRead(GstBuffer* buffer, bool skip_own, std::vector<ObjectInfo>& out) {
  const Api* api = Library();
  RelationMeta* meta = api ? api->get_meta(buffer) : nullptr;
  if (meta == nullptr) return false;
  MtdType od_type = api->od_type(), tracking_type = api->tracking_type();
  std::vector<Mtd> ods, tracks;
  std::unordered_set<guint> own;
  Mtd mtd;
  gpointer state = nullptr;
  while (api->iterate(meta, &state, kAnyType, &mtd)) {
    MtdType type = api->mtd_type(&mtd);
    if (type == od_type) {
      ods.push_back(mtd);
    } else if (type == tracking_type) {
      tracks.push_back(mtd);
    } else if (skip_own && IsMarker(*api, mtd)) {
      const auto* ids = static_cast<const guint*>(api->mtd_data(meta, mtd.id));
      own.insert(ids, ids + api->mtd_size(&mtd) / sizeof(guint));
    }
  }
  size_t before = out.size();
  for (const Mtd& od : ods) {
    if (own.count(od.id)) continue;
    gint x = 0, y = 0, w = 0, h = 0;
    gfloat confidence = 0;
    if (!api->od_location(&od, &x, &y, &w, &h, &confidence)) continue;
    ObjectInfo o;
    o.x = x;
    o.y = y;
    o.width = w;
    o.height = h;
    o.confidence = confidence;
    const gchar* name = g_quark_to_string(api->od_class(&od));
    o.class_name = name ? name : "";
    o.track_id = TrackOf(*api, meta, od, tracks);
    out.push_back(std::move(o));
  }
  return out.size() > before;
}

}  // namespace gstts
