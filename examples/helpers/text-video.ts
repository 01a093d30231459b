/**
 * The video the OCR examples read by default: scenes of known words written by GStreamer's
 * `textoverlay` (Debian: gstreamer1.0-x) at known places of a plain background, one after the
 * other (`concat`), so what a model answers can be checked exactly (test/ocr.test.ts). Not an
 * example itself (examples/*.ts are).
 */

/** A word and where textoverlay writes it: the centre of the text, as fractions of the frame. */
export interface PlacedWord {
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

/** A scene: its background colour (0xAARRGGBB) and its words. */
export interface Scene {
  readonly background: number;
  readonly words: readonly PlacedWord[];
}

export const SCENES: readonly Scene[] = [
  {
    background: 0xff30405a,
    words: [
      { text: 'HELLO', x: 0.25, y: 0.15 },
      { text: '42', x: 0.75, y: 0.45 },
      { text: 'TYPESCRIPT', x: 0.4, y: 0.8 },
    ],
  },
  {
    background: 0xff5a3a30,
    words: [
      { text: 'GSTREAMER', x: 0.5, y: 0.3 },
      { text: '2026', x: 0.3, y: 0.7 },
    ],
  },
  {
    background: 0xff2f5a3a,
    words: [
      { text: 'ONNX', x: 0.75, y: 0.2 },
      { text: 'RUNTIME', x: 0.6, y: 0.55 },
      { text: 'OCR', x: 0.2, y: 0.85 },
    ],
  },
  {
    background: 0xff4a3060,
    words: [
      { text: 'NODE', x: 0.2, y: 0.3 },
      { text: 'VIDEO', x: 0.7, y: 0.75 },
    ],
  },
];

export const WIDTH = 640;
export const HEIGHT = 480;
export const FONT = 'Sans Bold 36';

/** One scene's branch: `frames` frames of its background with its words. */
export function sceneVideo(scene: Scene, frames: number, words: readonly PlacedWord[] = scene.words): string {
  const overlays = words.map(
    (w) => `textoverlay text="${w.text}" font-desc="${FONT}" halignment=position valignment=position xpos=${w.x} ypos=${w.y}`,
  );
  return [
    `videotestsrc num-buffers=${frames} pattern=solid-color foreground-color=0x${scene.background.toString(16)}`,
    `video/x-raw,format=I420,width=${WIDTH},height=${HEIGHT},framerate=10/1`,
    ...overlays,
  ].join(' ! ');
}

/**
 * A launch description (no sink) of the scenes one after the other, `frames` RGB frames of
 * `WIDTH` x `HEIGHT` each: frame `i` shows scene `Math.floor(i / frames)`.
 */
export function textVideo(frames: number, scenes: readonly Scene[] = SCENES): string {
  // the branches into concat first, so that the description ends in its output: add `! appsink`
  return [
    ...scenes.map((scene) => `${sceneVideo(scene, frames)} ! scenes.`),
    'concat name=scenes ! videoconvert ! video/x-raw,format=RGB',
  ].join('  ');
}
