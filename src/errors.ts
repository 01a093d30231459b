/** Errors gstreamer-ts throws or rejects with. Each carries GStreamer's own words. */

/** Base class of every error gstreamer-ts raises. */
export class GstError extends Error {
  override name = 'GstError';
}

/** `Gst.parseLaunch` refused a pipeline description (syntax error, missing element, bad caps). */
export class GstParseError extends GstError {
  override name = 'GstParseError';
  constructor(
    /** the description that failed to parse */
    readonly description: string,
    message: string,
  ) {
    super(`cannot build pipeline "${description}": ${message}`);
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

/** A pipeline lacks an element the caller needs (e.g. no appsink for a video source). */
export class GstElementNotFoundError extends GstError {
  override name = 'GstElementNotFoundError';
}
