// GStreamer's analytics metadata (GstAnalyticsRelationMeta, GStreamer >= 1.24), the second home
// of the objects of src/native/meta.cc. libgstanalytics-1.0 is opened at run time (dlopen), so the
// addon builds and loads where GStreamer has no analytics library (1.22): there every function
// here does nothing and AnalyticsAvailable() is false.
#pragma once
#include <gst/gst.h>

#include <string>
#include <vector>

namespace gstts {

// One object as the project holds it (src/meta.ts ObjectInfo).
struct ObjectInfo {
  double x = 0, y = 0, width = 0, height = 0;
  double confidence = 0;
  gint64 track_id = 0;
  std::string class_name;  // UTF-8
};

// Whether libgstanalytics-1.0 was found and has every function used here (decided once).
bool AnalyticsAvailable();

// Whether `buffer` carries a relation meta holding object-detection entries (the project's or
// an upstream element's): what AnalyticsRemove removes and AnalyticsWrite replaces.
bool AnalyticsHasObjects(GstBuffer* buffer);

// Removes the buffer's relation meta when it holds object-detection entries (with every other
// entry it holds: GStreamer cannot remove single entries). The buffer must be writable.
// True when one was removed.
bool AnalyticsRemove(GstBuffer* buffer);

// Adds `objects` to the buffer's relation meta (made when there is none): an object-detection
// entry each (class as the GQuark of the class name, box rounded to whole pixels, confidence as
// a float), a tracking entry related to it when trackId > 0, and the project's marker entry
// listing the object-detection entries it wrote. The buffer must be writable. At most
// kAnalyticsMaxObjects per buffer get entries (see analytics.cc).
void AnalyticsAppend(GstBuffer* buffer, const std::vector<ObjectInfo>& objects);

// Appends to `out` the objects of the buffer's object-detection entries, with the track id of
// the tracking entry related to each (0 when none); with `skip_own`, entries the project's
// marker lists are left out (the caller has them, exact, from its own meta). False when the
// buffer has no object-detection entry (nothing appended).
bool AnalyticsRead(GstBuffer* buffer, bool skip_own, std::vector<ObjectInfo>& out);

}  // namespace gstts
