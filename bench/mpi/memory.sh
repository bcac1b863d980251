#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of every rank of a feature-parallel `gfs select` at P = 1
# and P = 2 on an N x D float32 NPY table (default N = 2000, D = 20000: 160 MB), where each rank
# reads only its block of the columns; and the same on a 256 x 256 table, the process's fixed cost
# (libraries, runtimes), which the large table's rows include. One thread per rank, CPU. MODE
# "exact" (the default): support "majority", 2 epochs, exact=true; "default": `gfs select` with its
# defaults (support "validated", the prescreen, the active set: a small set is held whole by
# every rank), whole fits.
#   bench/mpi/memory.sh GFS [OUT.csv] [N] [D] [MODE]
set -euo pipefail
gfs=$(realpath "$1")
out=$(realpath -m "${2:-$(dirname "$0")/results/memory_$(date -u +%Y-%m-%d).csv}")
N=${3:-2000}
D=${4:-20000}
MODE=${5:-exact}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive
echo "mode,ranks,rank,rows,columns,table_mb,max_rss_mb,date" >"$out"
measure() {  # measure ROWS COLS
  local n=$1 d=$2 dir="$work/$1x$2"
  python3 "$here/make_data.py" "$n" "$d" "$dir"
  local args=(select -i "$dir/x.npy" --labels "$dir/y.npy" -o "$dir/r.json" --threads 1 --device cpu --seed 1 --quiet)
  [ "$MODE" = default ] || args+=(--epochs 2 --batch-size 32 --support majority --set exact=true)
  record() {  # record P RANK TIME_LOG
    local kb
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$3")
    echo "$MODE,$1,$2,$n,$d,$((n * d * 4 / 1000000)),$((kb / 1024)),$(date -u +%Y-%m-%dT%H:%MZ)" | tee -a "$out"
  }
  /usr/bin/time -v -o "$dir/p1.log" "$gfs" "${args[@]}"
  record 1 0 "$dir/p1.log"
  # Each rank under its own /usr/bin/time; OMPI_COMM_WORLD_RANK names its log.
  mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 -np 2 \
    sh -c '/usr/bin/time -v -o "$0/p2_rank$OMPI_COMM_WORLD_RANK.log" "$@"' "$dir" "$gfs" "${args[@]}"
  record 2 0 "$dir/p2_rank0.log"
  record 2 1 "$dir/p2_rank1.log"
}
measure 256 256
measure "$N" "$D"
