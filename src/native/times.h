// A buffer's timestamps as JavaScript gets them: nanoseconds as doubles, -1 for none (the TS side
// turns -1 into null: src/values.ts, time).
#pragma once

#include <gst/gst.h>

namespace gstts {

inline double TimeOrNone(GstClockTime t) { return GST_CLOCK_TIME_IS_VALID(t) ? double(t) : -1; }

inline double OffsetOrNone(GstBuffer* buffer) {
  return buffer && GST_BUFFER_OFFSET_IS_VALID(buffer) ? double(GST_BUFFER_OFFSET(buffer)) : -1;
}

}  // namespace gstts
