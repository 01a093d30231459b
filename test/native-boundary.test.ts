/**
 * The tuples that cross the native boundary are described once on each side, by the same names:
 * a C++ enum of positions in src/native/*.cc (kInstanceId, kClassId, ..., then the count) and a
 * labelled tuple type in src/native.ts (instanceId, classId, ...). A field added, removed or moved
 * on one side only fails here, before a frame reaches the wrong argument. Then each tuple is read
 * from a real pipeline and checked against what GStreamer says.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gst, type GstApp } from '../src';
import { native, type NativeBusMessage, type NativeFrame } from '../src/native';
import { ROOT } from './helpers/support';

/** Each tuple: the C++ file and enum that fill it, the type in src/native.ts that reads it. */
const TUPLES = [
  { cc: 'element.cc', enumName: 'FrameArg', type: 'ElementFrameArgs' },
  { cc: 'samples.cc', enumName: 'FrameField', type: 'NativeFrame' },
  { cc: 'bus.cc', enumName: 'MessageField', type: 'NativeBusMessage' },
  { cc: 'source_watch.cc', enumName: 'SilenceField', type: 'SourceSilence' },
];

/** The enum's members as field names (kOutByteOffset -> outByteOffset), without the last one (the count). */
function enumFields(file: string, name: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'src', 'native', file), 'utf8');
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(text)?.[1];
  assert.ok(body, `enum ${name} in src/native/${file}`);
  const members = body
    .replace(/\/\/.*$|\/\*.*?\*\//gm, '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return members.slice(0, -1).map((m) => m[1].toLowerCase() + m.slice(2));
}

/** The labels of a labelled tuple type alias of src/native.ts. */
function tupleLabels(name: string): string[] {
  const file = path.join(ROOT, 'src', 'native.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const alias = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name);
  assert.ok(alias && ts.isTupleTypeNode(alias.type), `${name} is a tuple type in src/native.ts`);
  return alias.type.elements.map((e) => {
    assert.ok(ts.isNamedTupleMember(e), `every element of ${name} is labelled`);
    return e.name.text;
  });
}

for (const { cc, enumName, type } of TUPLES) {
  test(`${type} (src/native.ts) names the fields of ${enumName} (src/native/${cc}), in its order`, () => {
    const fields = enumFields(cc, enumName);
    assert.ok(fields.length >= 4, `${fields.length} fields read`);
    assert.equal(tupleLabels(type), fields);
  });
}

test('a pulled frame and an error message carry, field by field, what GStreamer says', () => {
  // Plain GStreamer: both buffers wait in the appsink once the stream has ended.
  const pipeline = Gst.parseLaunch(
    'videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=8,height=2,framerate=10/1 ! appsink name=sink wait-on-eos=false',
  );
  pipeline.setState(Gst.State.PLAYING);
  try {
    assert.ok(pipeline.getBus()!.timedPopFiltered(5 * Number(Gst.SECOND), Gst.MessageType.EOS), 'end of stream');
    const sink = (pipeline as Gst.Bin).getByName('sink') as GstApp.AppSink;
    const frames: NativeFrame[] = native.pullFrames(sink, 1, { zeroCopy: false });
    assert.is(frames.length, 1);
    const [bytes, pts, dts, duration, offset, layout, copied, objects] = frames[0];
    assert.is(bytes.byteLength, 16, '8x2 GRAY8 packed');
    assert.is(pts, 0);
    assert.is(dts, -1, 'videotestsrc sets no dts');
    assert.is(duration, Number(Gst.SECOND) / 10);
    assert.is(offset, 0);
    assert.ok(layout && layout.media === 'video', 'the first frame carries the layout');
    assert.is(copied, true);
    assert.is(objects, undefined);
  } finally {
    pipeline.setState(Gst.State.NULL);
  }
  const failing = Gst.parseLaunch('filesrc name=src location=/nonexistent/gstreamer-ts ! fakesink');
  failing.setState(Gst.State.PAUSED);
  const message: NativeBusMessage | null = native.popBusError(failing);
  failing.setState(Gst.State.NULL);
  assert.ok(message, 'an ERROR on the bus');
  const [type, text, , source, domain, code, location] = message;
  assert.is(type, Gst.MessageType.ERROR);
  assert.match(text ?? '', /not found|No such file/i);
  assert.is(source, 'src');
  assert.is(domain, 'gst-resource-error-quark');
  assert.is(code, Gst.ResourceError.NOT_FOUND);
  assert.is(location, '/nonexistent/gstreamer-ts');
});

test.run();
