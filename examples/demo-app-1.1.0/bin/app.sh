#!/bin/sh
# The demo "application": prints its release and enabled features. Stands in for a real local install.
cd "$(dirname "$0")/.." && echo "demo-app $(cat VERSION) ($(grep '^release=' conf/app.conf); features: $(grep -c '=true' conf/features.conf))"
