/** Errors gstreamer-ts throws or rejects with. Each carries GStreamer's own words. */

/** Longest piece of a caller's input (a description, a value) quoted in a message. */
const MAX_QUOTED = 200;

/**
 * `text` for a message: cut to a bounded length (a 1 MB description must not make a 2 MB
 * message), with control characters such as NUL made visible. @internal
 */
export function quote(text: string, max = MAX_QUOTED): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return cut.replace(/[\u0000-\u0008\u000b-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Longest part of a user's error message quoted in ours ({@link quotedMessageOf}). */
const MAX_QUOTED_ERROR = 500;

/** The message of a thrown value: an Error's `message`, else the value as a string. @internal */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A user's error as one of ours quotes it: its message, bounded, control characters visible. @internal */
export function quotedMessageOf(error: unknown): string {
  return quote(messageOf(error), MAX_QUOTED_ERROR);
}

/** A thrown value as GStreamer's element error text shows it: `TypeError: message`, else the value as a string. @internal */
export function namedMessageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A value for a message: `NaN`, `"text"`, `null`, `Uint8Array(12)`, `object`... bounded in length. @internal */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(quote(value, 60));
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${'length' in value ? String(value.length) : value.byteLength})`;
  return value.constructor?.name ?? 'object';
}

/** Base class of every error gstreamer-ts raises. */
export class GstError extends Error {
  override name = 'GstError';
}

/**
 * Debian packages that provide elements, for the message of a missing one: exact names, then
 * prefixes (`avdec_h264` is gstreamer1.0-libav's). Names that are not here get no hint.
 */
const PACKAGE_OF: ReadonlyArray<[RegExp, string]> = [
  [/^(x264enc|mpeg2dec|a52dec|asfdemux|rmdemux|dvdlpcmdec|amrnbdec|amrwbdec|amrnbenc|sidenc|cdiocddasrc)$/, 'gstreamer1.0-plugins-ugly'],
  [/^av(dec|enc|mux|demux|deinterlace|viddec|audenc)_/, 'gstreamer1.0-libav'],
  [/^rtspclientsink$/, 'gstreamer1.0-rtsp'],
  [/^vaapi/, 'gstreamer1.0-vaapi'],
  [/^gl(imagesink|upload|download|colorconvert|filter|mixer|testsrc|overlay|effects|shader|sinkbin|stereo|view)/, 'gstreamer1.0-gl'],
  [/^(ximagesink|xvimagesink)$/, 'gstreamer1.0-x'],
  [/^(alsasink|alsasrc)$/, 'gstreamer1.0-alsa'],
  [
    /^(openh264enc|openh264dec|x265enc|h264parse|h265parse|mpegvideoparse|mpeg4videoparse|vp9parse|av1parse|mpegtsmux|tsdemux|srtsink|srtsrc|webrtcbin|kmssink|waylandsink|hlssink|hlssink2|hlsdemux|dashdemux|dashsink|rtmp2sink|rtmp2src|fdkaacenc|fdkaacdec|openjpegenc|openjpegdec|svtav1enc|aomenc|aomdec|dav1ddec|msdkh264enc|nvh264enc|v4l2slh264dec|fakevideosink|videocodectestsink|clockselect|debugqroverlay|timecodestamper|avwait|mpegpsmux|mpegpsdemux|rtponvifparse|rtponviftimestamp|netsim|interpipesrc|ccextractor|cccombiner|line21encoder|dtlssrtpenc|dtlssrtpdec|srtpenc|srtpdec|sctpenc|sctpdec)$/,
    'gstreamer1.0-plugins-bad',
  ],
  [
    /^(vp8enc|vp8dec|vp9enc|vp9dec|matroskamux|matroskademux|webmmux|mp4mux|qtmux|qtdemux|isomp4mux|splitmuxsink|splitmuxsrc|flvmux|flvdemux|avimux|avidemux|jpegenc|jpegdec|pngenc|pngdec|rtph264pay|rtph264depay|rtph265pay|rtph265depay|rtpvp8pay|rtpvp8depay|rtpjpegpay|rtpjpegdepay|rtpbin|rtspsrc|udpsrc|udpsink|souphttpsrc|v4l2src|v4l2sink|v4l2h264enc|pulsesink|pulsesrc|autovideosink|autovideosrc|autoaudiosink|autoaudiosrc|videocrop|videobox|videoflip|videomixer|deinterlace|level|wavenc|wavparse|flacenc|flacdec|flacparse|lamemp3enc|mpg123audiodec|gdkpixbufdec|multifilesrc|multifilesink|multipartmux|multipartdemux|smpte|alphacolor|alpha|rtpjitterbuffer|mulawenc|alawenc|imagefreeze|cairooverlay|gdkpixbufoverlay|shapewipe|y4menc|dvdec|matroskaparse|apev2mux|id3v2mux|icydemux|taginject|equalizer-10bands|spectrum|goom|monoscope|shout2send|dv1394src|hdv1394src|oss4sink|jackaudiosink)$/,
    'gstreamer1.0-plugins-good',
  ],
  [
    /^(videoconvert|videoscale|videorate|videotestsrc|audiotestsrc|audioconvert|audioresample|appsrc|appsink|playbin|playbin3|decodebin|decodebin3|uridecodebin|uridecodebin3|encodebin|oggmux|oggdemux|theoraenc|theoradec|vorbisenc|vorbisdec|opusenc|opusdec|textoverlay|timeoverlay|clockoverlay|gdppay|gdpdepay|tcpserversink|tcpclientsrc|compositor|videoconvertscale|subparse|streamsynchronizer)$/,
    'gstreamer1.0-plugins-base',
  ],
];

/** The Debian package that provides the element `name`, when known. @internal */
export function packageOfElement(name: string): string | null {
  for (const [pattern, pkg] of PACKAGE_OF) if (pattern.test(name)) return pkg;
  return null;
}

/** A hint for GStreamer's `no element "x264enc"` message: the package to install. */
function parseHint(message: string): string {
  const missing = /no element "([^"]+)"/i.exec(message);
  if (!missing) return '';
  const pkg = packageOfElement(missing[1]);
  return pkg
    ? ` (${missing[1]} comes with the Debian package ${pkg}: apt-get install ${pkg})`
    : ` (no installed plugin provides ${missing[1]}: gst-inspect-1.0 lists the elements there are)`;
}

/** `Gst.parseLaunch` refused a pipeline description (syntax error, missing element, bad caps). */
export class GstParseError extends GstError {
  override name = 'GstParseError';
  constructor(
    /** the description that failed to parse */
    readonly description: string,
    message: string,
  ) {
    super(`cannot build pipeline "${quote(description)}": ${quote(message, 1000)}${parseHint(message)}`);
  }
}

/** An error posted on the pipeline's bus, a failed state change, or a throw inside a handler of ours. */
export class GstPipelineError extends GstError {
  override name = 'GstPipelineError';
  constructor(
    message: string,
    /** GStreamer's debug string (file, function, details), when there is one */
    readonly debug: string | null = null,
    /** name of the element that posted the error, when known */
    readonly source: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(source ? `${source}: ${message}` : message, options);
  }
}

/**
 * A source went away without ending its stream: a network source sent nothing for longer than
 * `sourceTimeoutMs` (a camera without power or network, a frozen server), or its stream ended
 * after such a silence or right after it failed to read (docs/sources.md). A
 * {@link GstPipelineError}, so existing handlers catch it; a reconnect loop catches this one.
 */
export class GstSourceLostError extends GstPipelineError {
  override name = 'GstSourceLostError';
  constructor(
    message: string,
    /** ms the source had sent nothing when the loss was told */
    readonly silentMs: number,
    /** name of the source element that went silent, when known */
    source: string | null,
    debug: string | null = null,
  ) {
    super(message, debug, source);
  }
}

/** A pipeline lacks an element the caller needs (e.g. no appsink for a video source). */
export class GstElementNotFoundError extends GstError {
  override name = 'GstElementNotFoundError';
}

/**
 * A call that the pipeline's state does not allow (push before startup, startup after the end):
 * the message says what to call first. A {@link GstPipelineError}, so existing handlers catch it.
 */
export class GstStateError extends GstPipelineError {
  override name = 'GstStateError';
  constructor(message: string) {
    super(message);
  }
}

/** The message for caps that are not raw video where raw video is needed, with the usual fix. @internal */
export function notRawVideoMessage(caps: string, expected = 'raw video'): string {
  return (
    `not ${expected} caps: ${quote(caps)} (frames need video/x-raw: put videoconvert and a caps filter before the ` +
    `appsink, e.g. "... ! videoconvert ! video/x-raw,format=RGB ! appsink")`
  );
}
