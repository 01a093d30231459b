/**
 * gstreamer-ts: GStreamer scripting on Node.js through node-gtk, in TypeScript.
 * The public face: re-exports only (and node-gtk's classes patched, src/patches.ts).
 */
import './patches';
export { GLib, GObject, Gst, GstApp, GstAudio, GstBase, GstVideo, gi } from './gi';
export { GstContext, interruptAll } from './context';
export { GstPipeline, type ElementClass, type GstPipelineOptions, type GstWarning } from './pipeline';
export { GstVideoSource, type GstVideoSourceOptions, type VideoFrame, type VideoPlane } from './video-source';
export { GstVideoSink, type GstVideoSinkOptions, type PushOptions } from './video-sink';
export { gstAnalyticsAvailable, gstMetaGet, gstMetaRemove, gstMetaWrite, type ObjectInfo, type ObjectInfoInit } from './meta';
export { GstElementNotFoundError, GstError, GstParseError, GstPipelineError, GstSourceLostError, GstStateError } from './errors';
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
  type AudioBufferView,
  type BufferView,
  type SampleArray,
  type ShapedArray,
} from './buffer';
// elements written in TypeScript: everything the `gstreamer-ts/element` entry exports
export * from './element/index';
export {
  connectSignal,
  emitSignal,
  getProp,
  makeElement,
  setProps,
  type SignalsOf,
  type CamelName,
  type ElementFactoryName,
  type ElementOf,
  type ElementsByFactory,
  type Flags,
  type PropertiesByFactory,
  type PropertiesOf,
  type PropName,
  type PropValue,
  type SettableProps,
  type SettableValue,
  type WritableKeys,
} from './properties';
export { GstAudioSource, type AudioFrame, type GstAudioSourceOptions } from './audio-source';
export { audioLayoutFromCaps, type AudioLayoutInfo, type AudioSampleArray, type AudioShapedArray } from './audio';
export {
  mapBox,
  TENSOR_FORMATS,
  toTensor,
  type Box,
  type FrameTensor,
  type Letterbox,
  type TensorOptions,
  type TensorSource,
  type TensorType,
} from './tensor';
export { classColor, DRAW_FORMATS, drawObjects, labelSize, objectLabel, type DrawOptions, type DrawTarget, type Rgb } from './draw';
export { contactSheet, savePng, type ContactSheetOptions, type Picture } from './pictures';
