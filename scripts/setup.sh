#!/usr/bin/env bash
# Installs what gstreamer-ts needs and is missing: Debian packages (as root, or with sudo),
# then node_modules and the native addon. Run by `npm start`, `npm test`, `npm run bench`.
# Without root or sudo it stops with the exact apt-get line to run.
#   scripts/setup.sh          runtime, build and test needs
#   scripts/setup.sh --bench  also the Python reference of the benchmark
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # node-gtk and the native addon compile at npm install
  g++ make python3 pkg-config libgirepository1.0-dev libcairo2-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  # GStreamer at run time, its typelibs, and its tools (gst-discoverer-1.0 checks written files)
  gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-base-apps gstreamer1.0-plugins-good
  # examples/run_rtsp.ts: gst-rtsp-server and its typelib (the client side, rtspsrc, is in -good)
  gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-gi python3-gst-1.0 python3-numpy)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $EUID -eq 0 ]]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "gstreamer-ts needs Debian packages that are missing. Run as root:" >&2
    echo "  apt-get update && $line" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "gstreamer-ts needs Node.js 20 or newer (found $(node --version))" >&2
  exit 1
fi

if [[ ! -d node_modules/node-gtk || ! -d node_modules/typescript || ! -f build/Release/gstreamer_ts.node ]]; then
  echo "setup: installing node_modules and building the native addon" >&2
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi
