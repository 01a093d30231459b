#!/usr/bin/env bash
# The Debian 13 (trixie, GStreamer 1.26) leg of CI, runnable alone (as root: debootstrap, chroot
# and mounts need it):
#   bash scripts/debian13.sh                 the leg: this checkout's files (tracked and untracked,
#                                            not ignored: no node_modules, no build/) copied into a
#                                            fresh Debian 13 root, then the README's two commands,
#                                            `npm start` and `npm test`, as a user runs them
#   bash scripts/debian13.sh --shell -- CMD  CMD (default: bash) in the root, in the copy of this
#                                            checkout; node_modules/ and what CMD installs are kept
#                                            for the next --shell from the same checkout
#   bash scripts/debian13.sh --prepare       only builds the cached root
#
# The root is made once with `debootstrap --variant=minbase trixie` from the Debian mirror that
# apt already uses on this machine (read from /etc/apt/sources.list{,.d/}; set
# GSTREAMER_TS_DEBIAN_MIRROR to choose another), with the Debian packages of scripts/setup.sh
# preinstalled, and cached in ${XDG_CACHE_HOME:-~/.cache}/gstreamer-ts/debian13. Each run sees
# it through an overlay, so the cache stays as built. The root gets this machine's TLS trust (the
# certificates of /usr/local/share/ca-certificates and the file NODE_EXTRA_CA_CERTS names), its
# DNS configuration, and Node.js ${GSTREAMER_TS_DEBIAN13_NODE:-24} with npm 11 from the npm
# registry (scripts/node-dist.sh). Remove the cache directory to build the root again.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gstreamer-ts"
root="$cache/debian13"
node_major=${GSTREAMER_TS_DEBIAN13_NODE:-24}
npm_major=11
suite=trixie
# what a root built by this script holds; a cached root of another format is built again
root_format="2: minbase, ca-certificates, git, setup.sh's packages"
log() { echo "debian13: $*" >&2; }
die() { log "$*"; exit 1; }

mode=leg
command=()
case "${1:-}" in
  "") ;;
  --prepare) mode=prepare ;;
  --shell)
    mode=shell
    shift
    [[ "${1:-}" == "--" ]] && shift
    command=("$@")
    ((${#command[@]})) || command=(bash) ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac

[[ $EUID -eq 0 ]] || die "needs root (debootstrap, chroot and mounts): run it as root or with sudo"

# --- mounts and temporary directories, always undone on exit ---------------------------------

mounts=()
temporaries=()
# unmounts everything mounted under $1, deepest first
unmount_under() {
  local target
  findmnt -rn -o TARGET | awk -v d="$1" 'index($0, d "/") == 1 || $0 == d' | sort -r |
    while read -r target; do umount "$target" 2>/dev/null || umount -l "$target"; done
}
# rm -rf that never crosses into a mount (a bind of /dev left by a killed run)
remove_tree() {
  unmount_under "$1"
  rm -rf --one-file-system "$1"
}
unmount_all() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do unmount_under "${mounts[i]}"; done
  mounts=()
}
cleanup() {
  local i
  unmount_all
  for i in "${temporaries[@]}"; do remove_tree "$i"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# /proc, /dev and /sys of this machine inside the root $1; /dev's submounts (pts, shm) come along,
# as slaves so that unmounting them in the root leaves this machine's own untouched
mount_system() {
  local r=$1
  mount -t proc proc "$r/proc"; mounts+=("$r/proc")
  mount --rbind /dev "$r/dev"; mount --make-rslave "$r/dev"; mounts+=("$r/dev")
  mount --bind /sys "$r/sys"; mounts+=("$r/sys")
}

# a run's overlay over the cached root, mounted now (an older root may be its lower layer)
overlay_in_use() { findmnt -rn -t overlay -o TARGET | grep -qF "$cache/"; }

# directories left by a run that was killed (its pid is in the name), and roots replaced by a
# newer format once no run may still read them
for stale in "$cache"/.debian13-*.*; do
  [[ -d "$stale" ]] || continue
  pid=${stale##*.}
  if [[ "$stale" == */.debian13-old.* ]]; then
    overlay_in_use && continue
  elif [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    continue
  fi
  log "removing $stale (left by an interrupted run)"
  remove_tree "$stale"
done

# --- the root ---------------------------------------------------------------------------------

# the Debian mirror of this machine's apt sources: the URI of the entry for its own release
# (deb822 *.sources and one-line *.list); $1 = suite suffix ("" or "-security")
machine_mirror() {
  local want=$1 codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  local files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk -v suite="$codename$want" '
    function flush() {
      if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && uri != "" && found == "")
        found = uri
      types = ""; suites = ""; uri = ""; enabled = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($1 == "Types:") { $1 = ""; types = $0 }
      if ($1 == "URIs:") uri = $2
      if ($1 == "Suites:") { $1 = ""; suites = $0 }
      if ($1 == "Enabled:") enabled = $2
      next
    }
    $1 == "deb" {
      flush()
      i = 2
      if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == suite && found == "") found = $i
    }
    END { flush(); print found }
  ' "${files[@]}"
}

# the machine's TLS trust into root $1: the local CA certificates, and the file that
# NODE_EXTRA_CA_CERTS names (npm and Node.js use it here); Node.js inside is pointed at the root's
# bundle, which then holds both
trust() {
  local r=$1 crt
  mkdir -p "$r/usr/local/share/ca-certificates/machine"
  for crt in /usr/local/share/ca-certificates/*.crt /usr/local/share/ca-certificates/*/*.crt; do
    [[ -f "$crt" ]] && cp "$crt" "$r/usr/local/share/ca-certificates/machine/"
  done
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
    # a bundle may hold many certificates; update-ca-certificates wants one per file
    awk -v dir="$r/usr/local/share/ca-certificates/machine" '
      /-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/node-extra-%04d.crt", dir, n) }
      file != "" { print > file }
      /-----END CERTIFICATE-----/ { close(file); file = "" }
    ' "$NODE_EXTRA_CA_CERTS"
  fi
  chroot "$r" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
  cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
  cp /etc/hosts "$r/etc/hosts" 2>/dev/null || true
}

# Node.js $node_major and npm $npm_major into /usr/local of root $1, laid out as the official
# tarballs are (bin/node, include/node, lib/node_modules/npm)
install_node() {
  local r=$1 node npm
  if [[ -x "$r/usr/local/bin/node" ]] &&
    [[ "$(chroot "$r" /usr/local/bin/node -p 'process.versions.node.split(".")[0]')" == "$node_major" ]]; then
    return
  fi
  node=$(bash "$repo/scripts/node-dist.sh" node "$node_major")
  npm=$(bash "$repo/scripts/node-dist.sh" npm "$npm_major")
  mkdir -p "$r/usr/local/bin" "$r/usr/local/include" "$r/usr/local/lib/node_modules"
  cp "$node/bin/node" "$r/usr/local/bin/node"
  rm -rf "$r/usr/local/include/node" "$r/usr/local/lib/node_modules/npm"
  cp -a "$node/include/node" "$r/usr/local/include/node"
  cp -a "$npm" "$r/usr/local/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
}

build_root() {
  local start=$SECONDS mirror security tmp
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  }
  mirror=${GSTREAMER_TS_DEBIAN_MIRROR:-$(machine_mirror "")}
  [[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d/}: set GSTREAMER_TS_DEBIAN_MIRROR"
  security=$(machine_mirror -security)
  mkdir -p "$cache"
  tmp="$cache/.debian13-build.$$"
  temporaries+=("$tmp")
  log "building the root (debootstrap $suite from $mirror): a few minutes, once"
  # git: a user who cloned has it, and tests list the checkout's files with it
  debootstrap --variant=minbase --include=ca-certificates,git "$suite" "$tmp" "$mirror" >"$cache/debian13-debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $cache/debian13-debootstrap.log"
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    [[ -n "$security" ]] && echo "deb $security $suite-security main"
  } >"$tmp/etc/apt/sources.list"
  # no daemons started by package scripts
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
  chmod +x "$tmp/usr/sbin/policy-rc.d"
  mount_system "$tmp"
  trust "$tmp"
  log "preinstalling the Debian packages of scripts/setup.sh"
  cp "$repo/scripts/setup.sh" "$tmp/tmp/setup.sh"
  chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    bash /tmp/setup.sh --system-only || die "installing the packages of scripts/setup.sh failed"
  chroot "$tmp" apt-get clean
  rm -f "$tmp/tmp/setup.sh"
  install_node "$tmp"
  unmount_all
  echo "$root_format" >"$tmp/.gstreamer-ts-root"
  mv -T "$tmp" "$root"
  temporaries=()
  log "root ready in $((SECONDS - start)) s: $root"
}

# one build at a time: a second run waits for the first's root
mkdir -p "$cache"
exec 8>"$cache/debian13.lock"
flock 8
if [[ "$(cat "$root/.gstreamer-ts-root" 2>/dev/null)" != "$root_format" ]]; then
  # another format (or half there): set aside, removed once no run reads it
  [[ -e "$root" ]] && mv -T "$root" "$cache/.debian13-old.$$"
  build_root
  overlay_in_use || { [[ -e "$cache/.debian13-old.$$" ]] && remove_tree "$cache/.debian13-old.$$"; }
fi
flock -u 8
exec 8>&-
[[ "$mode" == prepare ]] && exit 0

# --- a run: an overlay over the root, the checkout copied in, a command in a chroot ------------

if [[ "$mode" == shell ]]; then
  # kept between --shell runs from the same checkout (node_modules, packages installed)
  state="$cache/debian13-shell/$(echo "$repo" | tr -c 'A-Za-z0-9_\n' '-')"
  mkdir -p "$state/upper" "$state/work"
  exec 9>"$state.lock"
  flock -n 9 || die "another --shell from $repo is running"
else
  state="$cache/.debian13-run.$$"
  temporaries+=("$state")
  mkdir -p "$state/upper" "$state/work"
fi
merged="$state/merged"
mkdir -p "$merged" "$cache/debian13-npm"
if mount -t overlay overlay -o "lowerdir=$root,upperdir=$state/upper,workdir=$state/work" "$merged" 2>/dev/null; then
  mounts+=("$merged")
elif [[ ! -f "$merged/etc/debian_version" ]]; then
  log "no overlay file system here: copying the root instead (slower, and 1.6 GB more)"
  cp -a "$root/." "$merged/"
fi
mount_system "$merged"
# npm's download cache is shared by runs (npm ci still unpacks and builds everything)
mkdir -p "$merged/root/.npm"
mount --bind "$cache/debian13-npm" "$merged/root/.npm"; mounts+=("$merged/root/.npm")
trust "$merged"
install_node "$merged"

# this checkout as git sees it: tracked and untracked files, not the ignored ones
# (node_modules, build/); files deleted but not yet committed are skipped
copy="$merged/root/gstreamer-ts"
[[ "$mode" == leg ]] && rm -rf "$copy"
mkdir -p "$copy"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$copy" -xf -
# a git repository as a clone is, whose one commit is these files
chroot "$merged" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin bash -c 'cd /root/gstreamer-ts &&
  { [[ -d .git ]] || git init -q; } && git add -A && git -c user.name=gstreamer-ts -c user.email=ci@localhost commit -q --allow-empty -m "this checkout"'

inside() {
  chroot "$merged" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    bash -c 'cd /root/gstreamer-ts && exec "$@"' bash "$@"
}

if [[ "$mode" == shell ]]; then
  status=0
  inside "${command[@]}" || status=$?
  exit $status
fi

gst=$(chroot "$merged" dpkg-query -W -f='${Version}' libgstreamer1.0-0 2>/dev/null || echo "?")
log "Debian $(cat "$merged/etc/debian_version"), GStreamer $gst, Node.js $(inside node --version), npm $(inside npm --version 2>/dev/null)"
status=0
start=$SECONDS
if inside npm start; then
  log "npm start: pass in $((SECONDS - start)) s"
else
  status=1
  log "npm start: FAIL in $((SECONDS - start)) s"
fi
start=$SECONDS
if inside npm test 2>&1 | tee "$state/test.log"; then
  result=pass
else
  result=FAIL; status=1
fi
counts=$(sed 's/\x1b\[[0-9;]*m//g' "$state/test.log" | awk '$1 == "Total:" || $1 == "Passed:" || $1 == "Skipped:" { printf "%s %s ", $1, $2 }')
log "npm test: $result in $((SECONDS - start)) s (${counts:-no uvu summary})"
exit $status
