// Must not compile: 64-bit values are bigint at run time (docs/node-gtk.md, '64-bit integers are BigInt'), and `5 * Gst.SECOND`
// throws "Cannot mix BigInt and other types". test/typings.test.ts compiles each snippet without its
// expect-error directives and asserts each diagnostic; tsc -p . checks that the directives still hold.
import { Gst } from '../../src/gi';

// @ts-expect-error TS2365 Operator '*' cannot be applied to types 'bigint' and 'number'.
export const fiveSeconds = Gst.SECOND * 5;

declare const buffer: Gst.Buffer;
// @ts-expect-error TS2322 Type 'bigint' is not assignable to type 'number'.
export const pts: number = buffer.pts;
