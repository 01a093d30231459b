// Must not compile: object metadata is typed (src/meta.ts). What gstMetaGet returns is read-only;
// gstMetaWrite takes boxes of exactly four numbers, a confidence, and class names that are strings.
import type { Gst } from '../../src/gi';
import { gstMetaGet, gstMetaWrite } from '../../src/meta';

declare const buffer: Gst.Buffer;
const [first] = gstMetaGet(buffer);

// @ts-expect-error TS2540 Cannot assign to 'confidence' because it is a read-only property.
first.confidence = 1;
// @ts-expect-error TS2540 Cannot assign to '0' because it is a read-only property.
first.boundingBox[0] = 1;
// @ts-expect-error TS2339 Property 'push' does not exist on type 'readonly ObjectInfo[]'.
gstMetaGet(buffer).push(first);
// @ts-expect-error TS2322 Type '[number, number, number]' is not assignable to type 'readonly [x: number, y: number, width: number, height: number]'.
gstMetaWrite(buffer, [{ boundingBox: [1, 2, 3], confidence: 1, className: 'cat' }]);
// @ts-expect-error TS2322 Type 'number' is not assignable to type 'string'.
gstMetaWrite(buffer, [{ boundingBox: [1, 2, 3, 4], confidence: 1, className: 7 }]);
// @ts-expect-error TS2741 Property 'confidence' is missing in type '{ boundingBox: [number, number, number, number]; className: string; }' but required in type 'ObjectInfoInit'.
gstMetaWrite(buffer, [{ boundingBox: [1, 2, 3, 4], className: 'cat' }]);
// @ts-expect-error TS2322 Type 'number' is not assignable to type 'string'.
export const id: string = first.trackId;
