#!/bin/sh
# Health check of the demo app, run by validator-svc's command check in the install folder.
# An install marked UNHEALTHY fails it, so that the demo shows a failed validation too.
set -eu
if [ -f UNHEALTHY ]; then
    echo "health: $(cat UNHEALTHY)" >&2
    exit 1
fi
grep -q "^release=$(cat VERSION)$" conf/app.conf || { echo "health: conf/app.conf does not match VERSION" >&2; exit 2; }
echo "health: ok ($(cat VERSION))"
