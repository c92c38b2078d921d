#!/bin/sh
# Test update step for a Patroni node: writes a custom setting into the node's postgresql.base.conf (Patroni
# includes it), so it takes effect only when the server restarts — the check reads it with SHOW, which proves the
# restart happened. Records each invocation in <base>/invocations/<member>.
# Usage: patroni-update.sh <cluster base dir> <patch level> [failing member | @N: the N-th node updated to the level]
set -eu
base="$1"; level="$2"; fail="${3:-}"
member="${PATCHFLOW_DB_MEMBER:?}"
mkdir -p "$base/invocations"
if [ "$member" != clone ]; then
  earlier=$(cat "$base"/invocations/node* 2>/dev/null | grep -c " $level " || true)
else
  earlier=-1
fi
echo "$member $level $(date +%s%N)" >> "$base/invocations/$member"
echo "updating $member to patch level $level"
if [ "$member" = "$fail" ] || [ "$fail" = "@$((earlier + 1))" ]; then
  echo "simulated update failure on $member" >&2
  exit 7
fi
dir="${PATCHFLOW_DB_DATA_DIR:-$base/$member/data}"
conf="$dir/postgresql.base.conf"
grep -v '^patchflow.patch_level' "$conf" > "$conf.new" || true
echo "patchflow.patch_level = '$level'" >> "$conf.new"
cat "$conf.new" > "$conf"
rm -f "$conf.new"
