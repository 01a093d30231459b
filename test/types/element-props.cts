// Must not compile: element properties typed from the registry (typings/elements.d.ts, src/properties.ts).
import { getProp, makeElement, setProps } from '../../src/properties';

const src = makeElement('videotestsrc');
// a misspelled property (accessor)
// @ts-expect-error TS2551 Property 'numBufers' does not exist on type 'VideotestsrcElement'. Did you mean 'numBuffers'?
src.numBufers = 3;
// a misspelled property (setProps)
// @ts-expect-error TS2561 Object literal may only specify known properties, but 'paterns' does not exist
setProps(src, { paterns: 'ball' });
// a wrong enum nick
// @ts-expect-error TS2820 Type '"balls"' is not assignable to type
setProps(src, { pattern: 'balls' });
// a read-only property
const sink = makeElement('fakesink');
// @ts-expect-error TS2353 Object literal may only specify known properties, and ''last-sample'' does not exist
setProps(sink, { 'last-sample': null });
// a wrong value type
// @ts-expect-error TS2322 Type 'string' is not assignable to type 'boolean | undefined'.
setProps(src, { isLive: 'yes' });
// getProp of an unknown name
// @ts-expect-error TS2345 Argument of type '"patern"' is not assignable to parameter of type 'PropName<VideotestsrcElement>'.
getProp(src, 'patern');
// getProp's result is the nick union
const pattern: 'smpte' | 'ball' = getProp(src, 'pattern') as 'smpte';
// @ts-expect-error TS2322 Type 'string' is not assignable to type 'number'.
const asNumber: number = getProp(src, 'pattern');
void pattern;
void asNumber;

// getByName with a factory name gives the element's own type
import type { GstPipeline } from '../../src/pipeline';
declare const pipeline: GstPipeline;
const found = pipeline.getByName('src', 'videotestsrc');
// @ts-expect-error TS2551 Property 'patern' does not exist on type 'VideotestsrcElement'. Did you mean 'pattern'?
void found?.patern;
// @ts-expect-error TS2769 No overload matches this call.
pipeline.getByName('src', 'videotestsrcc');

// Gst.ElementFactory.make by a known factory name: that element's type (null when not installed)
import { Gst } from '../../src/gi';
const made = Gst.ElementFactory.make('videotestsrc', null);
// @ts-expect-error TS18047 'made' is possibly 'null'.
made.pattern = 1;
// @ts-expect-error TS2551 Property 'patern' does not exist on type 'VideotestsrcElement'. Did you mean 'pattern'?
if (made) made.patern = 1;

// signals beyond the typelibs: names and handler arguments typed
import { connectSignal, emitSignal } from '../../src/properties';
const fakesink = makeElement('fakesink');
// @ts-expect-error TS2345 Argument of type '"handof"' is not assignable to parameter of type '"handoff" | "preroll-handoff"'.
connectSignal(fakesink, 'handof', () => undefined);
// @ts-expect-error TS2345 Argument of type '(buffer: string) => undefined' is not assignable to parameter of type '(arg0: Buffer | null, arg1: Pad | null) => void'.
connectSignal(fakesink, 'handoff', (buffer: string) => void buffer);
const udp = makeElement('multiudpsink');
// @ts-expect-error TS2345 Argument of type 'string' is not assignable to parameter of type 'number'.
emitSignal(udp, 'add', '127.0.0.1', '5004');
