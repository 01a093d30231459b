// What `npm run test:mutation` covers: each module of src/ that makes frames, lifetimes or elements,
// with the suites (test/<name>.test.ts) that exercise it. A key is a file of src/ or a folder
// (every .ts file in it, index.ts aside: it only re-exports). The default run covers them all.
export const MODULES = {
  'src/buffer.ts': ['buffer', 'frames'],
  'src/frame-queue.ts': ['frame-queue', 'video-source', 'lifetime'],
  'src/audio-source.ts': ['audio'],
  'src/meta.ts': ['meta', 'analytics'],
  'src/video-sink.ts': ['video-sink', 'video-sink-checks', 'frames'],
  'src/video-source.ts': ['video-source', 'video-source-branches', 'frames', 'lifetime'],
  'src/samples.ts': ['samples', 'samples-engine', 'appsink', 'video-source', 'audio'],
  'src/context.ts': ['context', 'context-interrupt', 'context-signals', 'lifetime', 'pipeline-hooks', 'main-loop'],
  'src/element/': [
    'element',
    'element-async',
    'element-draw',
    'element-forget',
    'element-frames',
    'element-register',
    'element-settle',
    'draw',
  ],
  'src/pipeline.ts': ['pipeline', 'pipeline-branches', 'pipeline-built', 'pipeline-hooks', 'lifetime', 'signals', 'pipeline-async-hooks'],
};

/** The files stryker mutates for a key of MODULES. */
export function mutateOf(module) {
  return module.endsWith('/') ? [`${module}*.ts`, `!${module}index.ts`] : [module];
}

/** The report's name for a key of MODULES: src/buffer.ts -> buffer, src/element/ -> element. */
export function reportNameOf(module) {
  return module.replace(/^src\//, '').replace(/(\.ts|\/)$/, '');
}
