// Must not compile: element classes as node-gtk builds them.
import { Gst, GstApp } from '../../src/gi';
import type { GstPipeline } from '../../src/pipeline';

declare const pipeline: GstPipeline;

// getByCls gives the AppSink type: a misspelled AppSink method is caught
// @ts-expect-error TS2551 Property 'pullSampel' does not exist on type 'AppSink'. Did you mean 'pullSample'?
pipeline.getByCls(GstApp.AppSink)[0].pullSampel();

// virtual_* are override hooks for subclasses: no element has them at run time
declare const element: Gst.Element;
// @ts-expect-error TS2722 Cannot invoke an object which is possibly 'undefined'.
element.virtual_query(Gst.Query.newLatency());
