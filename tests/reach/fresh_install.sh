#!/usr/bin/env bash
# fresh_install.sh DENO_DIR LIMIT_BYTES: after `deno task test` and `deno task demo` ran on a fresh
# DENO_DIR, checks that what Deno downloaded into it (remote/ modules, npm/ packages) is at most
# LIMIT_BYTES, and prints the whole directory's size (downloads plus locally built caches).
set -uo pipefail
dir=$1
limit=$2
size() { du -sbc "$@" 2>/dev/null | tail -n 1 | cut -f1; }
downloaded=$(size "$dir/remote" "$dir/npm")
total=$(size "$dir")
echo "downloaded: ${downloaded:-0} bytes (remote/ + npm/); whole DENO_DIR: $total bytes (with caches)"
if [ -d "$dir/npm" ]; then
  echo "npm packages fetched: $(ls "$dir/npm"/*/ 2>/dev/null | tr '\n' ' ')"
fi
[ "${downloaded:-0}" -le "$limit" ]
