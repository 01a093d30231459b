/**
 * `tsdrawobjects`: an element that draws the objects each buffer carries (object metadata, as
 * `gstMetaGet` reads it: src/meta.ts) onto its frame, in place, with {@link drawObjects}.
 *
 * ```ts
 * registerElement(TsDrawObjects);
 * new GstPipeline('... ! videoconvert ! tsdrawobjects thickness=3 ! videoconvert ! autovideosink');
 * ```
 */
import { DRAW_FORMATS, drawObjects } from '../draw';
import { GstVideoFilter, type VideoFilterFrame } from './video-filter';

/**
 * Draws the objects on each buffer (boxes, class names, confidences, track ids) onto the video.
 * Register it once with `registerElement(TsDrawObjects)`; then `tsdrawobjects` works in launch
 * descriptions. Formats: packed RGB formats and GRAY8 (put `videoconvert` before it for others).
 * Buffers without objects pass unchanged.
 */
export class TsDrawObjects extends GstVideoFilter {
  static elementName = 'tsdrawobjects';
  // Planar formats are left out: an element frame does not say where its planes lie.
  static formats = DRAW_FORMATS.filter((format) => !['I420', 'YV12', 'NV12'].includes(format));
  static properties = {
    thickness: { type: 'int', minimum: 1, maximum: 1000, default: 2, description: 'width of box outlines in pixels' },
    labels: { type: 'boolean', default: true, description: 'draw a label (class, confidence, track id) above each box' },
    showConfidence: { type: 'boolean', default: true, description: 'put the confidence in labels' },
    fontScale: {
      type: 'int',
      minimum: 0,
      maximum: 100,
      default: 0,
      description: 'label font pixel size in frame pixels (0: from the frame height)',
    },
  } as const;
  static metadata = {
    longName: 'Draw objects',
    klass: 'Filter/Effect/Video',
    description: 'draws the detected objects each buffer carries (boxes, class names, confidences, track ids)',
  };
  declare thickness: number;
  declare labels: boolean;
  declare showConfidence: boolean;
  declare fontScale: number;

  transformFrameIp(frame: VideoFilterFrame): void {
    const objects = frame.objects;
    if (!objects) return;
    drawObjects(frame, objects, {
      thickness: this.thickness,
      labels: this.labels,
      showConfidence: this.showConfidence,
      fontScale: this.fontScale === 0 ? undefined : this.fontScale,
    });
  }
}
