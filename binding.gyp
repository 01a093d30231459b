{
  "targets": [
    {
      "target_name": "gstreamer_ts",
      "sources": [
        "src/native/module.cc",
        "src/native/nodegtk.cc",
        "src/native/pool.cc",
        "src/native/layout.cc",
        "src/native/audio_layout.cc",
        "src/native/frames.cc",
        "src/native/samples.cc",
        "src/native/stream_copy.cc",
        "src/native/notify.cc",
        "src/native/loop.cc",
        "src/native/state.cc",
        "src/native/log.cc",
        "src/native/bus.cc",
        "src/native/source_watch.cc",
        "src/native/meta.cc",
        "src/native/analytics.cc",
        "src/native/element.cc",
        "src/native/params.cc",
        "src/native/tensor.cc"
      ],
      "cflags_cc": ["-std=c++20", "-O2", "-Wall", "-Wno-unused-parameter", "-Wno-cast-function-type"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags": ["<!@(pkg-config --cflags gstreamer-1.0 gstreamer-base-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-audio-1.0)"],
      "libraries": ["<!@(pkg-config --libs gstreamer-1.0 gstreamer-base-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-audio-1.0)"]
    }
  ]
}
