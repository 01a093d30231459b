/**
 * `gstreamer-ts/element`: GStreamer elements written in TypeScript (src/element/video-filter.ts),
 * for code that imports only this part; the package's main entry re-exports all of it (src/index.ts).
 */
import '../patches';
export {
  GstVideoAnalyzer,
  GstVideoFilter,
  GstVideoTransform,
  registerElement,
  TsVideoElement,
  type ElementClassStatics,
  type ElementMetadata,
  type TsElementClass,
  type VideoFilterFrame,
} from './video-filter';
export type { BooleanPropertySpec, DoublePropertySpec, IntPropertySpec, PropertySpec, StringPropertySpec } from './properties';
export { TsDrawObjects } from './draw-objects';
