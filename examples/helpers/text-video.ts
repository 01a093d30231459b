/**
 * The video the OCR examples read by default: known words written by GStreamer's `textoverlay`
 * (Debian: gstreamer1.0-x) at known places of a plain background, so what a model answers can be
 * checked exactly (test/ocr.test.ts). Not an example itself (examples/*.ts are).
 */

/** A word and where textoverlay writes it: the centre of the text, as fractions of the frame. */
export interface PlacedWord {
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

export const WORDS: readonly PlacedWord[] = [
  { text: 'HELLO', x: 0.25, y: 0.15 },
  { text: '42', x: 0.75, y: 0.45 },
  { text: 'TYPESCRIPT', x: 0.4, y: 0.8 },
];

export const WIDTH = 640;
export const HEIGHT = 480;
export const FONT = 'Sans Bold 36';

/**
 * A launch description (no sink) of `frames` RGB frames of `WIDTH` x `HEIGHT` with `words` on a
 * moving background (videotestsrc's "ball" on blue-grey: the frames differ, the words stay).
 */
export function textVideo(frames: number, words: readonly PlacedWord[] = WORDS): string {
  const overlays = words.map(
    (w) => `textoverlay text="${w.text}" font-desc="${FONT}" halignment=position valignment=position xpos=${w.x} ypos=${w.y}`,
  );
  return [
    `videotestsrc num-buffers=${frames} pattern=solid-color foreground-color=0xff30405a`,
    `video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=10/1`,
    ...overlays,
    'videoconvert',
    'video/x-raw,format=RGB',
  ].join(' ! ');
}
