#!/usr/bin/env bash
# The starter policy end to end, as a new user meets it: `smoothinfo init --dataset X` then `smoothinfo check`, wall
# time and peak memory (GNU time) of each, one Markdown row per dataset (docs/benchmarks.md, "The starter policy").
# Usage: tests/SmoothInfo.Benchmarks/scripts/starter.sh <dataset file>...   (build src/SmoothInfo.Cli -c Release first)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
tool="$root/src/SmoothInfo.Cli/bin/Release/net10.0/smoothinfo.dll"
[ -f "$tool" ] || { echo "build the tool first: dotnet build $root/src/SmoothInfo.Cli -c Release" >&2; exit 2; }
echo "| dataset | samples | route | init (s) | check (s) | check peak RSS (MB) | exit |"
echo "|---|---:|---|---:|---:|---:|---:|"
for dataset in "$@"; do
  work="$(mktemp -d)"
  cp "$dataset" "$work/"
  # IDX images come with their labels file beside them.
  labels="${dataset/images-idx3/labels-idx1}"
  [ "$labels" != "$dataset" ] && cp "$labels" "$work/"
  file="$work/$(basename "$dataset")"
  /usr/bin/time -f "%e %M" -o "$work/init.time" dotnet "$tool" init --dataset "$file" --out "$work/smoothinfo.yml" >/dev/null
  set +e
  /usr/bin/time -f "%e %M" -o "$work/check.time" dotnet "$tool" check --policy "$work/smoothinfo.yml" --no-progress >"$work/check.out" 2>&1
  status=$?
  set -e
  samples=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sampleCount'])" "$work/artifacts/smoothinfo/smoothinfo-report.json" 2>/dev/null || echo "?")
  route=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['solver']['method'])" "$work/artifacts/smoothinfo/smoothinfo-report.json" 2>/dev/null || echo "?")
  # GNU time writes "Command exited with non-zero status 1" above its line when the gate fails: read the last line.
  read -r init_s _ < <(tail -n 1 "$work/init.time")
  read -r check_s check_kb < <(tail -n 1 "$work/check.time")
  echo "| $(basename "$dataset") | $samples | $route | $init_s | $check_s | $((check_kb / 1024)) | $status |"
  rm -rf "$work"
done
