// Video layout from caps (see layout.h).

#include "layout.h"

#include "util.h"

namespace gstts {

using v8::Array;

bool PlaneRows(const GstVideoInfo* info, guint plane, size_t* row_bytes, size_t* rows) {
  const GstVideoFormatInfo* finfo = info->finfo;
  if (plane >= GST_VIDEO_INFO_N_PLANES(info) || GST_VIDEO_FORMAT_INFO_IS_TILED(finfo) || GST_VIDEO_FORMAT_INFO_IS_COMPLEX(finfo))
    return false;
  gint comps[GST_VIDEO_MAX_COMPONENTS];
  gst_video_format_info_component(finfo, plane, comps);
  if (comps[0] < 0) return false;
  size_t bytes = 0;
  for (int i = 0; i < GST_VIDEO_MAX_COMPONENTS && comps[i] >= 0; i++) {
    gint pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, comps[i]);
    if (pstride <= 0) return false;
    size_t width = size_t(GST_VIDEO_INFO_COMP_WIDTH(info, comps[i])) * size_t(pstride);
    if (width > bytes) bytes = width;
  }
  *row_bytes = bytes;
  *rows = size_t(GST_VIDEO_INFO_COMP_HEIGHT(info, comps[0]));
  return true;
}

bool ReadLayout(GstCaps* caps, Layout* out) {
  gst_video_info_init(&out->info);
  if (caps == nullptr || !gst_video_info_from_caps(&out->info, caps)) return false;
  // Encoded video (image/png, video/x-h264...) parses too, as format ENCODED: not raw frames.
  if (GST_VIDEO_INFO_FORMAT(&out->info) == GST_VIDEO_FORMAT_ENCODED) return false;
  out->video = true;
  const GstVideoFormatInfo* finfo = out->info.finfo;
  out->packed =
      GST_VIDEO_FORMAT_INFO_N_PLANES(finfo) == 1 && !GST_VIDEO_FORMAT_INFO_IS_COMPLEX(finfo) && GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, 0) > 0;
  if (out->packed) out->row_bytes = size_t(GST_VIDEO_INFO_WIDTH(&out->info)) * GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, 0);
  return true;
}

bool VerbatimLayout(const Layout& layout) {
  if (!layout.video) return false;
  const GstVideoInfo* info = &layout.info;
  const GstVideoFormatInfo* finfo = info->finfo;
  bool little = GST_VIDEO_FORMAT_INFO_IS_LE(finfo) != 0;
  if (GST_VIDEO_FORMAT_INFO_BITS(finfo) > 8 && little != (G_BYTE_ORDER == G_LITTLE_ENDIAN)) return false;
  if (layout.packed) return GST_VIDEO_INFO_PLANE_STRIDE(info, 0) == int(layout.row_bytes) && GST_VIDEO_INFO_PLANE_OFFSET(info, 0) == 0;
  size_t offset = 0;
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES(info); p++) {
    size_t row_bytes, rows;
    if (!PlaneRows(info, p, &row_bytes, &rows)) return false;
    if (GST_VIDEO_INFO_PLANE_OFFSET(info, p) != offset || size_t(GST_VIDEO_INFO_PLANE_STRIDE(info, p)) != row_bytes) return false;
    offset += row_bytes * rows;
  }
  return GST_VIDEO_INFO_SIZE(info) == offset;
}

bool ViewableAsCaps(GstBuffer* buffer, const Layout& layout) {
  const GstVideoInfo* info = &layout.info;
  if (layout.packed && GST_VIDEO_INFO_PLANE_STRIDE(info, 0) != int(layout.row_bytes)) return false;
  GstVideoMeta* meta = gst_buffer_get_video_meta(buffer);
  if (meta == nullptr) return true;
  if (meta->n_planes != GST_VIDEO_INFO_N_PLANES(info)) return false;
  for (guint p = 0; p < meta->n_planes; p++)
    if (meta->stride[p] != GST_VIDEO_INFO_PLANE_STRIDE(info, p) || meta->offset[p] != GST_VIDEO_INFO_PLANE_OFFSET(info, p)) return false;
  return true;
}

bool CopyIsVerbatim(GstBuffer* buffer, const Layout& layout) {
  return VerbatimLayout(layout) && ViewableAsCaps(buffer, layout) &&
         (layout.packed || gst_buffer_get_size(buffer) == GST_VIDEO_INFO_SIZE(&layout.info));
}

Local<Object> LayoutObject(Isolate* isolate, const Layout& layout) {
  Local<v8::Context> context = isolate->GetCurrentContext();
  Local<Object> obj = Object::New(isolate);
  const GstVideoInfo* info = &layout.info;
  Set(isolate, obj, "media", Str(isolate, "video"));
  Set(isolate, obj, "format", Str(isolate, gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(info))));
  Set(isolate, obj, "width", Integer::New(isolate, GST_VIDEO_INFO_WIDTH(info)));
  Set(isolate, obj, "height", Integer::New(isolate, GST_VIDEO_INFO_HEIGHT(info)));
  Set(isolate, obj, "size", Number::New(isolate, double(GST_VIDEO_INFO_SIZE(info))));
  Set(isolate, obj, "fpsN", Integer::New(isolate, GST_VIDEO_INFO_FPS_N(info)));
  Set(isolate, obj, "fpsD", Integer::New(isolate, GST_VIDEO_INFO_FPS_D(info)));
  Set(isolate, obj, "packed", v8::Boolean::New(isolate, layout.packed));
  Set(isolate, obj, "rowBytes", Number::New(isolate, double(layout.row_bytes)));
  guint planes = GST_VIDEO_INFO_N_PLANES(info);
  Local<Array> strides = Array::New(isolate, planes);
  Local<Array> offsets = Array::New(isolate, planes);
  for (guint i = 0; i < planes; i++) {
    strides->Set(context, i, Integer::New(isolate, GST_VIDEO_INFO_PLANE_STRIDE(info, i))).Check();
    offsets->Set(context, i, Number::New(isolate, double(GST_VIDEO_INFO_PLANE_OFFSET(info, i)))).Check();
  }
  Set(isolate, obj, "strides", strides);
  Set(isolate, obj, "offsets", offsets);
  // Tight rows of each plane (empty when the format has no such rows): what a copy packs to.
  Local<Array> plane_row_bytes = Array::New(isolate);
  Local<Array> plane_rows = Array::New(isolate);
  size_t row_bytes, rows;
  for (guint i = 0; i < planes && PlaneRows(info, i, &row_bytes, &rows); i++) {
    plane_row_bytes->Set(context, i, Number::New(isolate, double(row_bytes))).Check();
    plane_rows->Set(context, i, Number::New(isolate, double(rows))).Check();
  }
  Set(isolate, obj, "planeRowBytes", plane_row_bytes);
  Set(isolate, obj, "planeRows", plane_rows);
  return obj;
}

Local<Value> LayoutCache::Get(Isolate* isolate, GstCaps* caps, Layout* layout) {
  if (caps != caps_ || object_.IsEmpty()) {
    Layout fresh;
    bool video = ReadLayout(caps, &fresh);
    gst_caps_replace(&caps_, caps);
    layout_ = fresh;
    object_.Reset(isolate, video ? Local<Value>(LayoutObject(isolate, fresh)) : Local<Value>(v8::Null(isolate)));
  }
  *layout = layout_;
  return object_.Get(isolate);
}

void LayoutCache::Clear() {
  gst_caps_replace(&caps_, nullptr);
  object_.Reset();
}

}  // namespace gstts
