#!/usr/bin/env bash
# The lint plugin as users enable it: `deno lint` with "lint": { "plugins": [...] } in a deno.json.
# Each bad fixture must fail with exactly its `// expect` diagnostics (by rule id and line), each
# good fixture must pass. Run by .ci/run:  bash tests/reach/lint_cli.sh [deno]
set -uo pipefail
DENO=${1:-deno}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/deno.json" <<JSON
{
  "imports": { "@coro/task": "$repo/mod.ts" },
  "lint": { "plugins": ["$repo/lint/plugin.ts"], "rules": { "exclude": ["require-yield"] } }
}
JSON
status=0
for fixture in "$repo"/tests/reach/lint_fixtures/*.ts "$repo"/tests/reach/lint_fixtures/*.js; do
  name=$(basename "$fixture")
  cp "$fixture" "$dir/$name"
  # "LINE RULE" for every expected diagnostic, and for every reported one.
  want=$(grep -n '// expect ' "$fixture" | while IFS= read -r line; do
    n=${line%%:*}
    rest=${line#*// expect }
    IFS='|' read -ra parts <<<"$rest"
    for p in "${parts[@]}"; do
      p=${p# }
      echo "$n ${p%%:*}"
    done
  done | sort)
  got=$(cd "$dir" && NO_COLOR=1 "$DENO" lint "$name" 2>&1 |
    awk '/^error\[/ { rule = $0; sub(/^error\[/, "", rule); sub(/\].*/, "", rule); next }
         rule != "" && /-->/ { n = split($0, a, ":"); print a[n - 1], rule; rule = "" }' | sort)
  if [ "$got" = "$want" ]; then
    echo "ok   $name: $(printf '%s' "$got" | grep -c .) diagnostics as expected"
  else
    echo "FAIL $name"
    echo "  expected: $(echo "$want" | tr '\n' ';')"
    echo "  reported: $(echo "$got" | tr '\n' ';')"
    status=1
  fi
done
exit $status
