/**
 * What gstreamer-ts needs of the system, as messages (src/system-check.js): the GStreamer
 * versions it supports and the Debian package of each typelib.
 */

/**
 * One line saying why GStreamer `version` ("1.20.3") cannot run gstreamer-ts (older than 1.22,
 * or unreadable), naming the supported range; null when it can.
 */
export function gstreamerVersionProblem(version: string): string | null;

/** The Debian package that holds the typelib of `namespace` ('GstApp'), or null when unknown. */
export function typelibPackage(namespace: string): string | null;

/**
 * node-gtk's message `cause` for a namespace it could not load, followed by the Debian package to
 * install when the typelib is missing and its package known.
 */
export function typelibProblem(namespace: string, cause: string): string;

/** Each Debian package and the typelib namespaces it holds. */
export const TYPELIB_PACKAGES: Readonly<Record<string, readonly string[]>>;
