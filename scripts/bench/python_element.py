#!/usr/bin/env python3
"""The same element as ts_element.ts, written in Python with PyGObject: a GstBase.BaseTransform
subclass whose do_transform_ip maps the frame (numpy view, no copy) and adds its middle sample to
python_appsink.py's checksum. The measured pipeline with the element before fakesink.

Usage: python_element.py WIDTH HEIGHT FRAMES [--format RGB] [--pattern black]

Prints one JSON line as python_appsink.py does (impl "python-element"), plus msPerFrame and maxRssKb.
Needs Debian's python3-gi, python3-gst-1.0 and python3-numpy (run with /usr/bin/python3).
"""
import argparse
import json
import resource
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstBase", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, GObject, Gst, GstBase, GstVideo  # noqa: E402

import numpy as np  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("width", type=int)
ap.add_argument("height", type=int)
ap.add_argument("frames", type=int)
ap.add_argument("--format", default="RGB")
ap.add_argument("--pattern", default="black")
args = ap.parse_args()

Gst.init(None)

state = {"count": 0, "checksum": 0, "info": None}


class BenchPyElement(GstBase.BaseTransform):
    __gstmetadata__ = ("bench_py_element", "Filter/Video", "checksum of the middle sample", "gstreamer-ts bench")
    _caps = Gst.Caps.from_string("video/x-raw,format={RGB,RGBA,BGRx,GRAY8,GRAY16_LE,GRAY16_BE,I420}")
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, _caps),
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, _caps),
    )

    def do_set_caps(self, incaps, outcaps):
        state["info"] = GstVideo.VideoInfo.new_from_caps(incaps)
        return True

    def do_transform_ip(self, buffer):
        info = state["info"]
        ok, mapinfo = buffer.map(Gst.MapFlags.READ | Gst.MapFlags.WRITE)
        if not ok:
            return Gst.FlowReturn.ERROR
        try:
            dtype = np.uint16 if info.finfo.bits == 16 else np.uint8
            samples = np.ndarray(shape=mapinfo.size // np.dtype(dtype).itemsize, buffer=mapinfo.data, dtype=dtype)
            state["checksum"] = (state["checksum"] + int(samples[samples.shape[0] // 2])) & 0xFFFFFFFF
            state["count"] += 1
        finally:
            buffer.unmap(mapinfo)
        return Gst.FlowReturn.OK


GObject.type_register(BenchPyElement)
Gst.Element.register(None, "bench_py_element", Gst.Rank.NONE, BenchPyElement)

caps = f"video/x-raw,format={args.format},width={args.width},height={args.height}"
pipeline = Gst.parse_launch(
    f"videotestsrc num-buffers={args.frames} pattern={args.pattern} ! {caps} ! bench_py_element ! fakesink sync=false"
)
for element in pipeline.iterate_elements():
    if isinstance(element, BenchPyElement):
        element.set_in_place(True)

loop = GLib.MainLoop()
bus = pipeline.get_bus()
bus.add_signal_watch()
error = []


def on_message(_bus, message):
    if message.type == Gst.MessageType.EOS:
        loop.quit()
    elif message.type == Gst.MessageType.ERROR:
        error.append(str(message.parse_error()[0]))
        loop.quit()


bus.connect("message", on_message)
start_cpu = time.process_time()
start = time.perf_counter()
pipeline.set_state(Gst.State.PLAYING)
loop.run()
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - start_cpu
pipeline.set_state(Gst.State.NULL)
if error:
    raise SystemExit(f"pipeline error: {error[0]}")
frames = state["count"]
print(json.dumps({
    "impl": "python-element", "sink": "fakesink", "width": args.width, "height": args.height,
    "format": args.format, "frames": frames, "seconds": round(seconds, 6),
    "fps": round(frames / seconds, 1), "checksum": state["checksum"], "cpuSeconds": round(cpu_seconds, 6),
    "msPerFrame": round(seconds / frames * 1e3, 3), "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
