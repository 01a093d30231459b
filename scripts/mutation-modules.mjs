// Each module of src/ that mutation testing covers, with the suites (test/<name>.test.ts) that exercise it.
export const MODULES = {
  'src/buffer.ts': ['buffer', 'frames'],
  'src/signals.ts': ['appsink', 'signals', 'pipeline'],
  'src/video-source.ts': ['video-source', 'frames', 'lifetime'],
  'src/sample-source.ts': ['video-source', 'audio', 'samples'],
  'src/video-sink.ts': ['video-sink', 'frames'],
  'src/pipeline.ts': ['pipeline', 'pipeline-hooks', 'lifetime', 'signals'],
  'src/context.ts': ['context', 'lifetime', 'pipeline-hooks'],
  'src/utils.ts': ['utils', 'buffer', 'frames'],
  'src/errors.ts': ['pipeline', 'appsink'],
  'src/source-watch.ts': ['rtsp-loss'],
  'src/file-sizes.ts': ['rtsp-loss'],
};
