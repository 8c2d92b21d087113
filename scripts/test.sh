#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with Node and npm: installs what the tests need
# (Debian packages when missing, npm packages), then type-checks and runs every suite, on the
# machine's Node and again on Node 24 LTS (installed from the npm registry by scripts/node24.sh).
#
#   NODE24=skip ./scripts/test.sh    skips the Node 24 pass (locally: it doubles the vitest time);
#                                    CI runs it, as it is on by default.
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

# Node 24 beside this one, its native modules built (quick when already in place).
node24_bin=""
case "${NODE24:-run}" in
  run) node24_bin=$(./scripts/node24.sh) ;;
  skip) echo "NODE24=skip: the suite runs on $(node --version) only" ;;
  *) echo "NODE24 must be run or skip (got \"$NODE24\")" >&2; exit 2 ;;
esac

npm run typecheck
# The import rules of docs/architecture.md (.dependency-cruiser.cjs): a wrong-way import or a cycle fails the run.
npm run lint:imports
mkdir -p test-artifacts
status=0
# One line of counts per pass; with `--failures`, each failed test with the start of its error.
summary() {
  node -e '
    const [file, label, mode] = process.argv.slice(1);
    let r;
    try { r = require("./" + file); } catch { console.log(`${label}: no report (${file})`); process.exit(0); }
    console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
    if (mode !== "--failures") process.exit(0);
    for (const suite of r.testResults) {
      const failed = suite.assertionResults.filter((a) => a.status === "failed");
      if (failed.length === 0 && suite.status === "failed") console.log(`  ${suite.name.replace(process.cwd() + "/", "")}: ${String(suite.message).split("\n")[0].slice(0, 300)}`);
      for (const a of failed) {
        console.log(`  ${suite.name.replace(process.cwd() + "/", "")} > ${a.fullName}`);
        console.log(`    ${String(a.failureMessages[0] ?? "").split("\n").slice(0, 3).join(" | ").slice(0, 400)}`);
      }
    }
  ' "$1" "$2" "${3:-}" || true
}
# The console is built once for both passes (the browser tests' globalSetup then skips it).
npm run -s build:ui
export CONSOLE_BUILT=1
# The two passes run side by side: each keeps one test file at a time, and a test file waits on
# servers, browsers and tokens more than it computes, so two cores serve both. Node 24's output
# goes to a file and is printed after Node 20's.
node24_pid=""
if [ -n "$node24_bin" ]; then
  PATH="$node24_bin:$PATH" npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest-node24.json \
    > test-artifacts/vitest-node24.log 2>&1 &
  node24_pid=$!
fi
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
summary test-artifacts/vitest.json "Node $(node --version)"
if [ -n "$node24_pid" ]; then
  wait "$node24_pid" || status=$?
  echo "--- the same suite on Node $("$node24_bin/node" --version) (test-artifacts/vitest-node24.log):"
  cat test-artifacts/vitest-node24.log
  summary test-artifacts/vitest-node24.json "Node $("$node24_bin/node" --version)"
fi
# The fault suite's short run: the real server as a child process, killed with -9 at random
# moments on both stores, then SMTP away, a full disk, the EventStoreDB away and the clock set
# back once each, and every invariant checked over the log and the read models.
# (`npm run faults` is the full run, minutes long.)
npx tsx faults/run.ts --short || status=$?
# Again at the end, with what failed: the end of a long log is what gets read.
summary test-artifacts/vitest.json "Node $(node --version)" --failures
[ -z "$node24_pid" ] || summary test-artifacts/vitest-node24.json "Node $("$node24_bin/node" --version)" --failures
exit $status
