// Frames as model inputs: a raw video frame (packed RGB-like, gray, I420, NV12; padded rows) into a
// float32 or uint8 tensor, NCHW or NHWC, resized (bilinear or nearest) into a box of the output,
// the rest filled with a pad value. Validation and option defaults live in src/tensor.ts; this file
// only checks that every byte it reads or writes lies inside the arrays it was given.
//
// The way of one output row: the (at most two) source rows it needs are resampled horizontally
// into float rows of the box's width, per channel, with column tables computed once per call
// (source element index and weight of each output column); a small cache keeps the last two
// source rows, so upscaling reads each source row once. The vertical blend, YUV->RGB (for I420
// and NV12), the per-channel affine map (scale, mean, std) and the store are plain loops over
// float rows that the compiler vectorises. The format is a template parameter: no per-pixel
// branch on it.

// The loops below are the point of this file: built at -O3 (vectorised) whatever binding.gyp's level.
#pragma GCC optimize("O3")

#include <node.h>
#include <v8.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "util.h"

namespace gstts {
namespace {

// Format codes shared with src/tensor.ts (FORMAT_CODES).
enum Kind { kPacked8 = 0, kGray8 = 1, kGray16LE = 2, kGray16BE = 3, kI420 = 4, kNV12 = 5 };

// Indices into the parameter array src/tensor.ts fills (PARAM_*).
enum Param {
  pKind,
  pSrcW,
  pSrcH,
  pPixelBytes,
  pOffR,
  pOffG,
  pOffB,
  pPlane0,
  pPlane1,
  pPlane2,
  pStride0,
  pStride1,
  pStride2,
  pOutW,
  pOutH,
  pBoxX,
  pBoxY,
  pBoxW,
  pBoxH,
  pNhwc,
  pBgr,
  pNearest,
  pBt709,
  pMul0,
  pMul1,
  pMul2,
  pAdd0,
  pAdd1,
  pAdd2,
  pPad0,
  pPad1,
  pPad2,
  pCount
};

struct Columns {
  std::vector<int32_t> x0, x1;  // source pixel of each box column, and its right neighbour
  std::vector<float> w;         // weight of x1
};

// Source positions of `n` output samples over `src` source samples (half-pixel centres).
void Positions(int src, int n, bool nearest, std::vector<int32_t>& i0, std::vector<int32_t>& i1, std::vector<float>& w) {
  i0.resize(n);
  i1.resize(n);
  w.resize(n);
  double step = double(src) / n;
  for (int j = 0; j < n; j++) {
    if (nearest) {
      int x = std::min(int((j + 0.5) * step), src - 1);
      i0[j] = i1[j] = x;
      w[j] = 0.f;
      continue;
    }
    double s = (j + 0.5) * step - 0.5;
    if (s < 0) s = 0;
    int x = std::min(int(s), src - 1);
    i0[j] = x;
    i1[j] = std::min(x + 1, src - 1);
    w[j] = float(s - x);
  }
}

// Per-call scratch: column tables and float rows, kept between calls (no allocation per frame).
struct Scratch {
  std::vector<int32_t> x0, x1, cx0, cx1, y0, y1;
  std::vector<float> wx, wy;
  std::vector<float> rows[2];  // 3 channels x box width each: two cached source rows
  int rowOf[2] = {-1, -1};
  std::vector<float> blend;    // 3 x box width: the blended (and RGB) row
  bool identityX = false;      // box as wide as the source, bilinear: column j is source pixel j
  bool verticalFirst = false;  // packed formats scaled down: blend the two source rows, then resample once
  std::vector<float> vrow;     // the blended source row (pixel bytes of the whole row)
};

thread_local Scratch scratch;

struct Source {
  const uint8_t* base;
  int kind, w, h, pixelBytes;
  int off[3];
  size_t plane[3], stride[3];
};

// Packed formats, scaled down vertically (each output row needs two rows no other row shares):
// the two source rows blended over their bytes first (a plain vectorised loop), then one
// horizontal pass into the box's width (instead of one per source row).
void VerticalFirstRow(const Source& s, Scratch& t, int ya, int yb, float wy, int n, float* dst) {
  const uint8_t* ra = s.base + s.plane[0] + size_t(ya) * s.stride[0];
  const uint8_t* rb = s.base + s.plane[0] + size_t(yb) * s.stride[0];
  const int len = s.w * s.pixelBytes;
  float* v = t.vrow.data();
  for (int i = 0; i < len; i++) v[i] = float(ra[i]) + wy * (float(rb[i]) - float(ra[i]));
  const int32_t* x0 = t.x0.data();
  const int32_t* x1 = t.x1.data();
  const float* w = t.wx.data();
  const float* r = v + s.off[0];
  const float* g = v + s.off[1];
  const float* b = v + s.off[2];
  float* d0 = dst;
  float* d1 = dst + n;
  float* d2 = dst + 2 * n;
  for (int j = 0; j < n; j++) {
    int a = x0[j], c = x1[j];
    float wj = w[j];
    d0[j] = r[a] + wj * (r[c] - r[a]);
    d1[j] = g[a] + wj * (g[c] - g[a]);
    d2[j] = b[a] + wj * (b[c] - b[a]);
  }
}

// Horizontal pass of source row `y` into dst (3 channel rows of n floats each): channel values in
// source order R, G, B (or Y, U, V).
template <int K>
void HorizontalRow(const Source& s, const Scratch& t, int y, int n, float* dst) {
  float* d0 = dst;
  float* d1 = dst + n;
  float* d2 = dst + 2 * n;
  const int32_t* x0 = t.x0.data();
  const int32_t* x1 = t.x1.data();
  const float* w = t.wx.data();
  if constexpr (K == kPacked8) {
    const uint8_t* row = s.base + s.plane[0] + size_t(y) * s.stride[0];
    const uint8_t* r = row + s.off[0];
    const uint8_t* g = row + s.off[1];
    const uint8_t* b = row + s.off[2];
    if (t.identityX) {
      // No horizontal resampling (letterboxing at scale 1): a plain deinterleave.
      const int pb = s.pixelBytes;
      for (int j = 0; j < n; j++) {
        d0[j] = r[j * pb];
        d1[j] = g[j * pb];
        d2[j] = b[j * pb];
      }
      return;
    }
    for (int j = 0; j < n; j++) {
      int a = x0[j], c = x1[j];
      float wj = w[j];
      d0[j] = r[a] + wj * (float(r[c]) - float(r[a]));
      d1[j] = g[a] + wj * (float(g[c]) - float(g[a]));
      d2[j] = b[a] + wj * (float(b[c]) - float(b[a]));
    }
  } else if constexpr (K == kGray8) {
    const uint8_t* row = s.base + s.plane[0] + size_t(y) * s.stride[0];
    for (int j = 0; j < n; j++) d0[j] = row[x0[j]] + w[j] * (float(row[x1[j]]) - float(row[x0[j]]));
    std::memcpy(d1, d0, n * sizeof(float));
    std::memcpy(d2, d0, n * sizeof(float));
  } else if constexpr (K == kGray16LE || K == kGray16BE) {
    const uint8_t* row = s.base + s.plane[0] + size_t(y) * s.stride[0];
    auto at = [row](int x) -> float {
      const uint8_t* p = row + 2 * size_t(x);
      return K == kGray16LE ? float(p[0] | (p[1] << 8)) : float((p[0] << 8) | p[1]);
    };
    for (int j = 0; j < n; j++) {
      float a = at(x0[j]);
      d0[j] = a + w[j] * (at(x1[j]) - a);
    }
    std::memcpy(d1, d0, n * sizeof(float));
    std::memcpy(d2, d0, n * sizeof(float));
  } else {
    // I420 / NV12: luma at full resolution, chroma at half (each luma sample takes the chroma
    // sample that covers it).
    const uint8_t* luma = s.base + s.plane[0] + size_t(y) * s.stride[0];
    for (int j = 0; j < n; j++) d0[j] = luma[x0[j]] + w[j] * (float(luma[x1[j]]) - float(luma[x0[j]]));
    const int32_t* c0 = t.cx0.data();
    const int32_t* c1 = t.cx1.data();
    int cy = y >> 1;
    const uint8_t* u;
    const uint8_t* v;
    if constexpr (K == kI420) {
      u = s.base + s.plane[1] + size_t(cy) * s.stride[1];
      v = s.base + s.plane[2] + size_t(cy) * s.stride[2];
    } else {
      u = s.base + s.plane[1] + size_t(cy) * s.stride[1];
      v = u + 1;
    }
    for (int j = 0; j < n; j++) {
      int a = c0[j], c = c1[j];
      d1[j] = u[a] + w[j] * (float(u[c]) - float(u[a]));
      d2[j] = v[a] + w[j] * (float(v[c]) - float(v[a]));
    }
  }
}

template <typename O>
inline O Store(float v) {
  if constexpr (std::is_same_v<O, float>) {
    return v;
  } else {
    v = std::min(std::max(v + 0.5f, 0.f), 255.f);
    return O(v);
  }
}

struct Target {
  void* data;
  int w, h, boxX, boxY, boxW, boxH;
  bool nhwc;
  int order[3];  // source channel of each output channel
  float mul[3], add[3], pad[3];
};

// Fills output row `y` (of every channel) with the pad value, from column x for n columns.
template <typename O>
void PadSpan(const Target& o, int y, int x, int n) {
  O* out = static_cast<O*>(o.data);
  size_t plane = size_t(o.w) * o.h;
  for (int c = 0; c < 3; c++) {
    O v = Store<O>(o.pad[c]);
    if (o.nhwc) {
      O* p = out + (size_t(y) * o.w + x) * 3 + c;
      for (int j = 0; j < n; j++) p[3 * j] = v;
    } else {
      O* p = out + c * plane + size_t(y) * o.w + x;
      for (int j = 0; j < n; j++) p[j] = v;
    }
  }
}

// Output row y of the box from its RGB float rows (3 x box width): affine map per channel, stored.
template <typename O>
void StoreRow(const Target& o, O* out, size_t plane, int y, const float* bl) {
  const int n = o.boxW;
  for (int c = 0; c < 3; c++) {
    const float* src = bl + size_t(o.order[c]) * n;
    const float m = o.mul[c], a = o.add[c];
    if (o.nhwc) {
      O* p = out + (size_t(y) * o.w + o.boxX) * 3 + c;
      for (int j = 0; j < n; j++) p[3 * j] = Store<O>(src[j] * m + a);
    } else {
      O* p = out + c * plane + size_t(y) * o.w + o.boxX;
      for (int j = 0; j < n; j++) p[j] = Store<O>(src[j] * m + a);
    }
  }
}

template <int K, typename O>
void Convert(const Source& s, const Target& o, bool bt709, Scratch& t) {
  const int n = o.boxW;
  for (int k = 0; k < 2; k++) {
    t.rows[k].resize(size_t(3) * n);
    t.rowOf[k] = -1;
  }
  t.blend.resize(size_t(3) * n);
  O* out = static_cast<O*>(o.data);
  const size_t plane = size_t(o.w) * o.h;
  for (int y = 0; y < o.h; y++) {
    int by = y - o.boxY;
    if (by < 0 || by >= o.boxH) {
      PadSpan<O>(o, y, 0, o.w);
      continue;
    }
    if (o.boxX > 0) PadSpan<O>(o, y, 0, o.boxX);
    if (o.boxX + n < o.w) PadSpan<O>(o, y, o.boxX + n, o.w - o.boxX - n);
    if constexpr (K == kPacked8) {
      if (t.verticalFirst) {
        VerticalFirstRow(s, t, t.y0[by], t.y1[by], t.wy[by], n, t.blend.data());
        StoreRow<O>(o, out, plane, y, t.blend.data());
        continue;
      }
    }
    // The two source rows this row blends, from the cache of the last two (upscaling reuses them).
    int sy[2] = {t.y0[by], t.y1[by]};
    int slot[2];
    for (int k = 0; k < 2; k++) {
      slot[k] = t.rowOf[0] == sy[k] ? 0 : t.rowOf[1] == sy[k] ? 1 : -1;
      if (slot[k] >= 0) continue;
      // Evict the slot that does not hold the other row this output row needs.
      int other = sy[1 - k];
      slot[k] = k == 1 ? 1 - slot[0] : (t.rowOf[0] == other ? 1 : 0);
      HorizontalRow<K>(s, t, sy[k], n, t.rows[slot[k]].data());
      t.rowOf[slot[k]] = sy[k];
    }
    const float* r[2] = {t.rows[slot[0]].data(), t.rows[slot[1]].data()};
    float wy = t.wy[by];
    float* bl = t.blend.data();
    if (K == kI420 || K == kNV12 || wy != 0.f) {
      for (int i = 0; i < 3 * n; i++) bl[i] = r[0][i] + wy * (r[1][i] - r[0][i]);
    } else {
      bl = const_cast<float*>(r[0]);  // on a source row: nothing to blend
    }
    if constexpr (K == kI420 || K == kNV12) {
      // Limited-range YCbCr to RGB (BT.601 or BT.709), clamped to 0..255 as GStreamer's converter does.
      const float kr = bt709 ? 0.2126f : 0.299f, kb = bt709 ? 0.0722f : 0.114f, kg = 1.f - kr - kb;
      const float ys = 255.f / 219.f, cs = 255.f / 224.f;
      const float rv = 2.f * (1.f - kr) * cs, bu = 2.f * (1.f - kb) * cs;
      const float gu = -bu * kb / kg, gv = -rv * kr / kg;
      float* Y = bl;
      float* U = bl + n;
      float* V = bl + 2 * n;
      for (int j = 0; j < n; j++) {
        float yy = (Y[j] - 16.f) * ys, uu = U[j] - 128.f, vv = V[j] - 128.f;
        float R = yy + rv * vv, G = yy + gu * uu + gv * vv, B = yy + bu * uu;
        Y[j] = std::min(std::max(R, 0.f), 255.f);
        U[j] = std::min(std::max(G, 0.f), 255.f);
        V[j] = std::min(std::max(B, 0.f), 255.f);
      }
    }
    StoreRow<O>(o, out, plane, y, bl);
  }
}

template <typename O>
void Dispatch(const Source& s, const Target& o, bool bt709, Scratch& t) {
  switch (s.kind) {
    case kPacked8: return Convert<kPacked8, O>(s, o, bt709, t);
    case kGray8: return Convert<kGray8, O>(s, o, bt709, t);
    case kGray16LE: return Convert<kGray16LE, O>(s, o, bt709, t);
    case kGray16BE: return Convert<kGray16BE, O>(s, o, bt709, t);
    case kI420: return Convert<kI420, O>(s, o, bt709, t);
    case kNV12: return Convert<kNV12, O>(s, o, bt709, t);
  }
}

bool Bytes(Local<Value> value, uint8_t** data, size_t* length) {
  if (!value->IsArrayBufferView()) return false;
  Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
  *data = static_cast<uint8_t*>(view->Buffer()->Data()) + view->ByteOffset();
  *length = view->ByteLength();
  return true;
}

// tensorConvert(src: ArrayBufferView, out: Float32Array | Uint8Array, params: Float64Array)
void TensorConvert(const v8::FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  uint8_t* src;
  uint8_t* dst;
  uint8_t* raw;
  size_t srcBytes, dstBytes, paramBytes;
  if (args.Length() < 3 || !Bytes(args[0], &src, &srcBytes) || !Bytes(args[1], &dst, &dstBytes) || !args[2]->IsFloat64Array() ||
      !Bytes(args[2], &raw, &paramBytes) || paramBytes < pCount * sizeof(double))
    return ThrowType(isolate, "tensorConvert(src, out, params): bad arguments");
  bool isFloat = args[1]->IsFloat32Array();
  if (!isFloat && !args[1]->IsUint8Array()) return ThrowType(isolate, "tensorConvert: out must be a Float32Array or a Uint8Array");
  double p[pCount];
  std::memcpy(p, raw, sizeof(p));

  Source s;
  s.base = src;
  s.kind = int(p[pKind]);
  s.w = int(p[pSrcW]);
  s.h = int(p[pSrcH]);
  s.pixelBytes = int(p[pPixelBytes]);
  for (int c = 0; c < 3; c++) {
    s.off[c] = int(p[pOffR + c]);
    s.plane[c] = size_t(p[pPlane0 + c]);
    s.stride[c] = size_t(p[pStride0 + c]);
  }
  Target o;
  o.data = dst;
  o.w = int(p[pOutW]);
  o.h = int(p[pOutH]);
  o.boxX = int(p[pBoxX]);
  o.boxY = int(p[pBoxY]);
  o.boxW = int(p[pBoxW]);
  o.boxH = int(p[pBoxH]);
  o.nhwc = p[pNhwc] != 0;
  bool bgr = p[pBgr] != 0;
  for (int c = 0; c < 3; c++) {
    o.order[c] = bgr ? 2 - c : c;
    o.mul[c] = float(p[pMul0 + c]);
    o.add[c] = float(p[pAdd0 + c]);
    o.pad[c] = float(p[pPad0 + c]);
  }
  if (s.kind < kPacked8 || s.kind > kNV12 || s.w <= 0 || s.h <= 0 || o.w <= 0 || o.h <= 0 || o.boxW <= 0 || o.boxH <= 0 || o.boxX < 0 ||
      o.boxY < 0 || o.boxX + o.boxW > o.w || o.boxY + o.boxH > o.h)
    return ThrowRange(isolate, "tensorConvert: bad geometry");

  // Every byte read and written lies inside the arrays.
  size_t need = size_t(o.w) * o.h * 3 * (isFloat ? 4 : 1);
  if (dstBytes < need)
    return ThrowRange(isolate, "tensorConvert: out holds " + std::to_string(dstBytes) + " bytes, needs " + std::to_string(need));
  struct Extent {
    int plane, rows;
    size_t rowBytes;
  };
  Extent ext[3];
  int planes = 1;
  int cw = (s.w + 1) / 2, ch = (s.h + 1) / 2;
  switch (s.kind) {
    case kPacked8: ext[0] = {0, s.h, size_t(s.w) * s.pixelBytes}; break;
    case kGray8: ext[0] = {0, s.h, size_t(s.w)}; break;
    case kGray16LE:
    case kGray16BE: ext[0] = {0, s.h, size_t(s.w) * 2}; break;
    case kI420:
      planes = 3;
      ext[0] = {0, s.h, size_t(s.w)};
      ext[1] = {1, ch, size_t(cw)};
      ext[2] = {2, ch, size_t(cw)};
      break;
    case kNV12:
      planes = 2;
      ext[0] = {0, s.h, size_t(s.w)};
      ext[1] = {1, ch, size_t(cw) * 2};
      break;
  }
  if (s.kind == kPacked8 && (s.pixelBytes < 3 || s.off[0] >= s.pixelBytes || s.off[1] >= s.pixelBytes || s.off[2] >= s.pixelBytes))
    return ThrowRange(isolate, "tensorConvert: bad pixel layout");
  for (int i = 0; i < planes; i++) {
    if (s.stride[i] < ext[i].rowBytes)
      return ThrowRange(isolate, "tensorConvert: plane " + std::to_string(i) + " stride is shorter than its row");
    size_t end = s.plane[i] + s.stride[i] * (ext[i].rows - 1) + ext[i].rowBytes;
    if (end > srcBytes)
      return ThrowRange(isolate, "tensorConvert: the frame's data holds " + std::to_string(srcBytes) + " bytes, its plane " +
                                     std::to_string(i) + " ends at byte " + std::to_string(end));
  }

  Scratch& t = scratch;
  Positions(s.w, o.boxW, p[pNearest] != 0, t.x0, t.x1, t.wx);
  Positions(s.h, o.boxH, p[pNearest] != 0, t.y0, t.y1, t.wy);
  if (s.kind == kI420 || s.kind == kNV12) {
    int step = s.kind == kNV12 ? 2 : 1;
    t.cx0.resize(o.boxW);
    t.cx1.resize(o.boxW);
    for (int j = 0; j < o.boxW; j++) {
      t.cx0[j] = (t.x0[j] >> 1) * step;
      t.cx1[j] = (t.x1[j] >> 1) * step;
    }
  } else if (s.kind == kPacked8) {
    for (int j = 0; j < o.boxW; j++) {
      t.x0[j] *= s.pixelBytes;
      t.x1[j] *= s.pixelBytes;
    }
  }
  t.identityX = s.kind == kPacked8 && o.boxW == s.w && p[pNearest] == 0;
  t.verticalFirst = s.kind == kPacked8 && o.boxH < s.h && p[pNearest] == 0 && !t.identityX;
  if (t.verticalFirst) t.vrow.resize(size_t(s.w) * s.pixelBytes);
  bool bt709 = p[pBt709] != 0;
  if (isFloat)
    Dispatch<float>(s, o, bt709, t);
  else
    Dispatch<uint8_t>(s, o, bt709, t);
}

// tensorBandwidthBound(input: ArrayBufferView, outputBytes: number, reps: number): ms per rep of
// what any conversion must at least do: read every input byte once and write the output once.
void TensorBandwidthBound(const v8::FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  uint8_t* src;
  size_t srcBytes;
  if (args.Length() < 3 || !Bytes(args[0], &src, &srcBytes) || !args[1]->IsNumber() || !args[2]->IsNumber())
    return ThrowType(isolate, "tensorBandwidthBound(input, outputBytes, reps): bad arguments");
  size_t outBytes = size_t(args[1].As<v8::Number>()->Value());
  int reps = std::max(1, int(args[2].As<v8::Number>()->Value()));
  std::vector<uint8_t> out(outBytes), from(outBytes, 1);
  volatile uint64_t sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; r++) {
    // Read the input, 8 bytes at a time (the sum keeps the compiler from skipping the reads).
    uint64_t sum = 0;
    size_t words = srcBytes / 8;
    for (size_t i = 0; i < words; i++) {
      uint64_t w;
      std::memcpy(&w, src + 8 * i, 8);
      sum += w;
    }
    std::memcpy(out.data(), from.data(), outBytes);
    sink = sink + sum + out[outBytes / 2];
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / reps;
  args.GetReturnValue().Set(v8::Number::New(isolate, ms));
}

}  // namespace

void InitTensor(Local<v8::Context> context, Local<v8::Object> exports) {
  SetMethod(context, exports, "tensorConvert", TensorConvert, nullptr);
  SetMethod(context, exports, "tensorBandwidthBound", TensorBandwidthBound, nullptr);
}

}  // namespace gstts
