#!/usr/bin/env bash
# The test command (README, .ci/run): builds and runs every test project of the solution, then ends
# with one plain line "N passed, N failed, N skipped" summed from the test results (TRX files).
# Extra arguments go to `dotnet test`, e.g. --filter "FullyQualifiedName~Estimation".
set -uo pipefail
cd "$(dirname "$0")/.."
results="artifacts/test-results"

# The HTML report is checked in a headless Chromium screenshot: Debian's chromium package, installed here on a
# fresh machine when we may (root with apt-get); otherwise that one test says what to install.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the HTML report test..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "Could not install chromium; the HTML screenshot test will fail." >&2
  else
    echo "chromium is not installed (apt-get install chromium); the HTML screenshot test will fail." >&2
  fi
fi
rm -rf "$results"
dotnet test SmoothInfo.Build.sln -c Release --logger trx --results-directory "$results" "$@"
status=$?
passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  # Ignored tests (NUnit's Assert.Ignore) are counted in total but not executed, and not in notExecuted.
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before all tests ran (see the build output above)." >&2
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
