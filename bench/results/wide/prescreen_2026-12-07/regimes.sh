#!/bin/bash
# The three regimes, default (prescreen auto) against prescreen=0, one pinned build.
export LD_LIBRARY_PATH=/tmp/pin5
cd /work/main
P=/usr/bin/python3
$P bench/quality/run_wide.py --gfs /tmp/pin5/gfs --rows 1000 --widths 10000 --families classification,products,products_reg,xor --draws 3 --selectors none --gfs-rules validated --gfs-variant "noprescreen=--set prescreen=0" --out /tmp/r_wide10k > /tmp/r_wide10k.log 2>&1
$P bench/quality/run_wide.py --gfs /tmp/pin5/gfs --rows 1000 --widths 5000 --families friedman --draws 3 --selectors none --gfs-rules validated --gfs-variant "noprescreen=--set prescreen=0" --out /tmp/r_fr > /tmp/r_fr.log 2>&1
$P bench/quality/run_smalln.py --gfs /tmp/pin5/gfs --rows 50,100,200,300 --widths 10000 --draws 3 --selectors anova_f,rf --gfs-variant "noprescreen=--set prescreen=0" --out /tmp/r_sn10k > /tmp/r_sn10k.log 2>&1
$P bench/quality/run_wide.py --gfs /tmp/pin5/gfs --rows 1000 --widths 100000 --families classification --draws 3 --selectors anova_f,rf --gfs-rules validated --gfs-variant "noprescreen=--set prescreen=0" --cache /tmp/wcache --out /tmp/r_w1e5 > /tmp/r_w1e5.log 2>&1
echo done > /tmp/regimes.done
