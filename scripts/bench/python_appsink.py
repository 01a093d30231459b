#!/usr/bin/env python3
"""The benchmark's Python reference: the AppSink tutorial's path, frames into numpy arrays.

    python_appsink.py WIDTH HEIGHT FRAMES [--format RGB] [--pattern black]
                      [--sink appsink|fakesink]

appsink: a 'new-sample' handler emits 'pull-sample' and turns each buffer into a numpy array with
buffer.extract_dup (one copy), as the tutorial's gst_buffer_with_caps_to_ndarray does.
fakesink: the same pipeline with nothing reaching Python: the ceiling of any appsink path.

Prints one JSON line on stdout, the format of the Node children (scripts/bench/common.ts): impl,
sink, width, height, format, frames, seconds, fps, checksum (middle sample of each frame, summed
mod 2^32), cpuSeconds (process CPU over the timed region), maxRssKb. Timed from PLAYING to the
end of stream. Needs Debian's python3-gi, python3-gst-1.0 and python3-numpy.
"""
import argparse
import json
import resource
import sys
import time

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstVideo  # noqa: E402

import numpy as np  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("width", type=int)
    parser.add_argument("height", type=int)
    parser.add_argument("frames", type=int)
    parser.add_argument("--format", default="RGB")
    parser.add_argument("--pattern", default="black")
    parser.add_argument("--sink", default="appsink", choices=["appsink", "fakesink"])
    args = parser.parse_args()

    Gst.init(None)
    caps = f"video/x-raw,format={args.format},width={args.width},height={args.height}"
    tail = "appsink name=sink emit-signals=true sync=false" if args.sink == "appsink" else "fakesink sync=false"
    pipeline = Gst.parse_launch(f"videotestsrc num-buffers={args.frames} pattern={args.pattern} ! {caps} ! {tail}")
    loop = GLib.MainLoop()
    state = {"count": 0, "checksum": 0, "error": None}

    def to_array(sample):
        # the tutorial's helper: shape and dtype from the caps, bytes by extract_dup
        buffer = sample.get_buffer()
        structure = sample.get_caps().get_structure(0)
        fmt = GstVideo.VideoFormat.from_string(structure.get_value("format"))
        dtype = np.uint16 if GstVideo.VideoFormat.get_info(fmt).bits == 16 else np.uint8
        size = buffer.get_size()
        return np.ndarray(shape=size // np.dtype(dtype).itemsize, buffer=buffer.extract_dup(0, size), dtype=dtype)

    def on_sample(sink, _data):
        array = to_array(sink.emit("pull-sample"))
        state["checksum"] = (state["checksum"] + int(array[array.shape[0] // 2])) & 0xFFFFFFFF
        state["count"] += 1
        return Gst.FlowReturn.OK

    if args.sink == "appsink":
        pipeline.get_by_name("sink").connect("new-sample", on_sample, None)

    def on_message(_bus, message):
        if message.type == Gst.MessageType.EOS:
            loop.quit()
        elif message.type == Gst.MessageType.ERROR:
            state["error"] = message.parse_error()[0].message
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    wall, cpu = time.perf_counter(), time.process_time()
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    pipeline.set_state(Gst.State.NULL)
    if state["error"]:
        sys.exit(f"pipeline error: {state['error']}")
    frames = state["count"] if args.sink == "appsink" else args.frames
    line = {
        "impl": "python-pygobject" if args.sink == "appsink" else "python-fakesink",
        "sink": args.sink,
        "width": args.width,
        "height": args.height,
        "format": args.format,
        "frames": frames,
        "seconds": round(seconds, 6),
        "fps": round(frames / seconds, 1),
        "checksum": state["checksum"],
        "cpuSeconds": round(cpu_seconds, 6),
        "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(line), flush=True)


main()
