// Video layout read from caps (gst_video_info_from_caps), and its JS form (NativeLayout).
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <v8.h>

#include <cstddef>

namespace gstts {

struct Layout {
  bool video = false;   // caps parsed as raw video
  bool packed = false;  // one plane: rows can be packed to width * pixel stride
  GstVideoInfo info;
  size_t row_bytes = 0;  // bytes of pixels in one row (packed formats)
};

// The tight geometry of plane `plane`: bytes of the pixels of one row and its rows. False for
// formats whose planes are not rows of whole pixels (tiled, complex packings such as v210).
bool PlaneRows(const GstVideoInfo* info, guint plane, size_t* row_bytes, size_t* rows);

// False (and `out->video` false) for caps that are not raw video.
bool ReadLayout(GstCaps* caps, Layout* out);

// True when the copy of a frame of `layout` (CopyBytes) is the frame's bytes as they are: rows
// and planes packed tight, samples in the host's byte order (so nothing is packed or swapped).
bool VerbatimLayout(const Layout& layout);
// The same for one buffer: the layout is verbatim and the buffer is laid out as its caps say
// (no GstVideoMeta saying otherwise, planes not followed by other bytes).
bool CopyIsVerbatim(GstBuffer* buffer, const Layout& layout);
// A view of the whole buffer reads as the caps' strides and offsets say (the layout object):
// the buffer has no GstVideoMeta saying otherwise and rows need no packing.
bool ViewableAsCaps(GstBuffer* buffer, const Layout& layout);

v8::Local<v8::Object> LayoutObject(v8::Isolate* isolate, const Layout& layout);

// The layout object of the caps seen last, reused while frames keep coming with the same caps
// (an appsink hands out one GstCaps for a whole stream). One per environment: it holds a JS
// object. The caps reference keeps the pointer from being reused by other caps.
class LayoutCache {
 public:
  ~LayoutCache() { Clear(); }
  // The layout of `caps` into *layout, and its JS object (null when not raw video).
  v8::Local<v8::Value> Get(v8::Isolate* isolate, GstCaps* caps, Layout* layout);
  void Clear();

 private:
  GstCaps* caps_ = nullptr;
  Layout layout_;
  v8::Global<v8::Value> object_;
};

}  // namespace gstts
