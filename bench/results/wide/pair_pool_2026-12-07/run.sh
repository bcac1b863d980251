#!/bin/bash
cd /work/main
P=/usr/bin/python3
LD_LIBRARY_PATH=/tmp/pin_fig3 $P bench/quality/run_million.py --gfs /tmp/pin_fig3/gfs --out /tmp/mil_before --cache .cache/million > /tmp/mil_before.log 2>&1
LD_LIBRARY_PATH=/tmp/pin_pool $P bench/quality/run_million.py --gfs /tmp/pin_pool/gfs --out /tmp/mil_after --cache .cache/million > /tmp/mil_after.log 2>&1
export LD_LIBRARY_PATH=/tmp/pin_pool
$P bench/quality/run_wide.py --gfs /tmp/pin_pool/gfs --rows 1000 --widths 30000,100000 --families products,xor --draws 3 --selectors none --gfs-rules validated --gfs-variant "nopool=--set pair_screen=off" --out /tmp/r_pool > /tmp/r_pool.log 2>&1
$P bench/quality/run_wide.py --gfs /tmp/pin_pool/gfs --rows 1000 --widths 100000 --families classification --draws 3 --selectors anova_f,rf --gfs-rules validated --gfs-variant "nopool=--set pair_screen=off" --cache /tmp/wcache --out /tmp/r_pool_cls > /tmp/r_pool_cls.log 2>&1
echo done > /tmp/pool_bench.done
