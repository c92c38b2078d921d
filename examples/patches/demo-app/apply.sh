#!/bin/sh
# Demo patch for the demo app: upgrades one install to $PATCHFLOW_PATCH_VERSION.
# Run by patch-runner-svc's process executor with the target's attributes in the environment
# (see docs/PIPELINE-SEMANTICS.md). Idempotent: re-running it on a patched install changes nothing.
# --dry-run: print the plan, change nothing.
set -eu

dry_run=false
for arg in "$@"; do
    [ "$arg" = "--dry-run" ] && dry_run=true
done

dir="${PATCHFLOW_INSTALL_PATH:?PATCHFLOW_INSTALL_PATH is not set: this patch needs a directory target}"
version="${PATCHFLOW_PATCH_VERSION:?PATCHFLOW_PATCH_VERSION is not set}"
current="$(cat "$dir/VERSION")"

echo "target ${PATCHFLOW_TARGET_ID:-?}: $dir is at $current, patch brings $version"

# The demo fleet marks one install as broken so that the demo shows a failed patch too.
if [ -f "$dir/BROKEN" ]; then
    echo "error: $(cat "$dir/BROKEN")" >&2
    exit 3
fi

if [ "$dry_run" = true ]; then
    echo "dry run: would set conf/app.conf release=$version and VERSION=$version"
    exit 0
fi

# The patch keeps its own record of every real invocation: the end-to-end test counts these lines
# to prove that an already-applied patch is not run again.
echo "${PATCHFLOW_RUN_ID:-?} $current -> $version" >> "$dir/.patch-history"

tmp="$dir/conf/app.conf.tmp.$$"
sed "s/^release=.*/release=$version/" "$dir/conf/app.conf" > "$tmp"
mv "$tmp" "$dir/conf/app.conf"
printf '%s\n' "$version" > "$dir/VERSION.tmp.$$"
mv "$dir/VERSION.tmp.$$" "$dir/VERSION"
echo "patched: $current -> $version"
