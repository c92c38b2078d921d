#!/bin/sh
# The demo "application": prints its release. Stands in for a real local install.
cd "$(dirname "$0")/.." && echo "demo-app $(cat VERSION) ($(grep '^release=' conf/app.conf))"
