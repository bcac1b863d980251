#!/bin/sh
# gfs with exact=true appended to `select` (for the quality benchmark in exact mode)
if [ "$1" = "select" ]; then exec /work/wt/speed/build/src/cli/gfs "$@" --set exact=true; fi
exec /work/wt/speed/build/src/cli/gfs "$@"
