/**
 * gstreamer-ts: GStreamer scripting on Node.js through node-gtk, in TypeScript.
 * The public face: re-exports only.
 */
export { GLib, GObject, Gst, GstApp, GstBase, GstVideo, gi } from './gi';
export { GstContext } from './context';
export { GstPipeline, type ElementClass, type GstPipelineOptions, type GstWarning } from './pipeline';
export { GstVideoSource, type GstVideoSourceOptions, type VideoFrame } from './video-source';
export { GstVideoSink, type GstVideoSinkOptions, type PushOptions } from './video-sink';
export { GstElementNotFoundError, GstError, GstParseError, GstPipelineError, GstStateError } from './errors';
export {
  fractionToStr,
  getBufferSizeFromGstCaps,
  getNumChannels,
  getTypedArrayType,
  gstStateToStr,
  gstVideoFormatFromString,
  gstVideoFormatPlugin,
  timeArgs,
  toFraction,
  toGstString,
  type SampleArrayType,
  type VideoFormatLike,
} from './utils';
export {
  gstBufferToTypedArray,
  gstBufferView,
  gstBufferWithCapsToTypedArray,
  gstBufferWithPadToTypedArray,
  mapGstBuffer,
  mapGstMemory,
  typedArrayToGstBuffer,
  type BufferView,
  type SampleArray,
  type ShapedArray,
} from './buffer';
