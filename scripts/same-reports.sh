#!/bin/bash
# Checks a refactoring changed no output: runs two cnsim binaries over the built-in default and
# every scenarios/*.toml (run as text and JSON with the wall-clock figures dropped, hubs,
# network, validate) and one capacity search, and compares the outputs byte for byte.
# Usage: scripts/same-reports.sh BEFORE_BINARY AFTER_BINARY   (from the repository's root)
set -u
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BINARY AFTER_BINARY" >&2; exit 2; }
out=$(mktemp -d)
strip_json() { python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("performance",None); print(json.dumps(d,sort_keys=True,indent=1))'; }
strip_text() { sed -E 's/ in [0-9.]+ [a-z]+ wall \([^)]*\)//'; }
snapshot() {
  local bin=$1 dir=$2
  mkdir -p "$dir"
  for s in "" scenarios/*.toml; do
    local n; n=$(basename "${s:-builtin}" .toml)
    "$bin" run $s --format json 2>"$dir/$n.run.err" | strip_json >"$dir/$n.json"
    "$bin" run $s 2>>"$dir/$n.run.err" | strip_text >"$dir/$n.txt"
    "$bin" hubs $s >"$dir/$n.hubs.txt" 2>&1
    "$bin" hubs $s --format json >"$dir/$n.hubs.json" 2>&1
    "$bin" network $s >"$dir/$n.net.txt" 2>&1
    "$bin" network $s --format json >"$dir/$n.net.json" 2>&1
    if [ -n "$s" ]; then "$bin" validate $s >"$dir/$n.validate.txt" 2>&1; fi
  done
  "$bin" capacity scenarios/small.toml --target 'mean wait <= 30min' --vary hubs.west.intelligent \
    >"$dir/capacity.txt" 2>&1
}
snapshot "$1" "$out/before"
snapshot "$2" "$out/after"
if diff -r "$out/before" "$out/after"; then
  echo "same: $(ls "$out/after" | wc -l) outputs identical ($out)"
else
  echo "outputs differ ($out)" >&2
  exit 1
fi
