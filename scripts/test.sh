#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with Node and npm: installs what the tests need
# (Debian packages when missing, npm packages), then type-checks and runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v softhsm2-util >/dev/null || missing+=(softhsm2)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
# xmllint validates every FatturaPA file against the official schema (tests and generation).
command -v xmllint >/dev/null || missing+=(libxml2-utils)
# zbarimg reads back the EPC QR code of the payment notice, as a banking app would.
command -v zbarimg >/dev/null || missing+=(zbar-tools)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || missing+=(faketime)
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

npm run typecheck
# The import rules of docs/architecture.md (.dependency-cruiser.cjs): a wrong-way import or a cycle fails the run.
npm run lint:imports
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
node -e '
  const r = require("./test-artifacts/vitest.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
# The fault suite's short run: the real server as a child process, killed with -9 at random
# moments on both stores, then SMTP away, a full disk, the EventStoreDB away and the clock set
# back once each, and every invariant checked over the log and the read models.
# (`npm run faults` is the full run, minutes long.)
npx tsx faults/run.ts --short || status=$?
exit $status
