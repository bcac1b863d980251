#!/usr/bin/env bash
# The default algorithm across ranks (issue 23): `gfs select` with its defaults (prescreen, active
# set, convergence stopping, pair screen, support "validated") at P = 1 and P = 2 ranks, beside the
# exact algorithm (`--set exact=true`), on a wide table (N = 1000, D = 20000; the label depends on
# columns 1, D/2 and D-2). One thread per rank, CPU backend.
#   bench/mpi/default_algorithm.sh GFS [OUT.csv]
# Each default point: the median of 3 runs' fit_seconds (rank 0's result.json); exact: one run.
# "same_as_p1": the selection and the top-20 ranking equal the P = 1 fit's (and, for P = 2, a
# second P = 2 run's result.json equals the first but for fit_seconds).
set -euo pipefail
gfs=$(realpath "$1")
out=$(realpath -m "${2:-$(dirname "$0")/../results/mpi/default_algorithm.csv}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive
N=1000
D=20000
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1)
python3 "$here/make_data.py" "$N" "$D" "$work/data"

fit() {  # fit P MODE OUT.json
  local extra=()
  [ "$2" = exact ] && extra=(--set exact=true)
  "${mpirun[@]}" -np "$1" "$gfs" select -i "$work/data/x.npy" --labels "$work/data/y.npy" -o "$3" \
    --threads 1 --device cpu --seed 1 --quiet "${extra[@]}"
}

field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

same() {  # same A B: selection and top-20 ranking equal
  python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print("yes" if a["selected"] == b["selected"] and a["ranking"][:20] == b["ranking"][:20] else "no")
PY
}

identical() {  # identical A B: every key but fit_seconds
  python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    r.pop("fit_seconds")
print("yes" if a == b else "no")
PY
}

echo "mode,ranks,rows,columns,runs,fit_seconds,stopped_epoch,selected,same_as_p1,two_runs_identical,load_average" >"$out"
for mode in default exact; do
  runs=3
  [ "$mode" = exact ] && runs=1
  for p in 1 2; do
    times=()
    for rep in $(seq "$runs"); do
      fit "$p" "$mode" "$work/$mode-$p-$rep.json"
      times+=("$(field "$work/$mode-$p-$rep.json" 'r["fit_seconds"]')")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((runs + 1) / 2))p")
    r="$work/$mode-$p-1.json"
    twice=-
    if [ "$p" -gt 1 ]; then
      [ "$runs" -gt 1 ] || fit "$p" "$mode" "$work/$mode-$p-2.json"
      twice=$(identical "$r" "$work/$mode-$p-2.json")
    fi
    sel=$(field "$r" '" ".join(map(str, r["selected"]))')
    echo "$mode,$p,$N,$D,$runs,$median,$(field "$r" 'r["stopped_epoch"]'),$sel,$(same "$work/$mode-1-1.json" "$r"),$twice,$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
  done
done
echo "wrote $out"
