/**
 * The files a pipeline reads and their sizes when it started. GStreamer takes a file that shrinks
 * while it is read (truncated, rewritten in place) for a file that ends there: filesrc's short
 * read is an end of stream, and demuxers (qtdemux, matroskademux...) end their streams as if the
 * file were whole. A file shorter at the end of the stream than at its start was cut: the
 * pipeline then fails instead of ending (docs/sources.md).
 */
import * as fs from 'node:fs';
import { GstPipelineError, quote } from './errors';
import type { Gst } from './gi';

/** A file a source element reads. */
export interface FileRead {
  /** the element's name (`filesrc0`) */
  source: string;
  location: string;
  /** bytes when the pipeline started */
  size: number;
}

function sizeOf(location: string): number | null {
  try {
    return fs.statSync(location).size;
  } catch {
    return null; // no file (yet, or any more): nothing to compare
  }
}

/** The files that the elements of klass "Source/File" with a `location` (filesrc, multifilesrc's first...) read now. */
export function filesRead(elements: Iterable<Gst.Element>): FileRead[] {
  const files: FileRead[] = [];
  for (const element of elements) {
    const klass = element.getFactory()?.getMetadata('klass') ?? '';
    if (!klass.includes('Source/File')) continue;
    const location: unknown = (element as unknown as { location?: unknown }).location;
    if (typeof location !== 'string') continue;
    const size = sizeOf(location);
    if (size !== null) files.push({ source: element.name, location, size });
  }
  return files;
}

/** A {@link GstPipelineError} for the first of `files` that is shorter now than when the pipeline started; else null. */
export function truncation(files: readonly FileRead[]): GstPipelineError | null {
  for (const { source, location, size } of files) {
    const now = sizeOf(location);
    if (now !== null && now < size)
      return new GstPipelineError(
        `the file "${quote(location)}" was truncated while it was read (${size} bytes at the start, ${now} at the end of the stream): the stream ended early`,
        null,
        source,
      );
  }
  return null;
}
