#!/usr/bin/env bash
# `mpirun -np 2 gfs select` (the default algorithm, and the exact one) on a data set made here (never seen elsewhere in the project): the same
# selection, top-20 ranking and logits as one process, "ranks": 2 in result.json, two P = 2 runs
# identical; every rank reads only its block of the columns, from CSV, NPY and LIBSVM alike; support
# rule "stability" feature-parallel too; then a P = 2 fit stopped by SIGUSR1 (forwarded by mpirun) exits 75 and, resumed from
# its per-rank checkpoints, equals the uninterrupted fit, and is refused by 3 ranks (naming the rank
# count) and when the ranks' files are of different epochs; an error on rank 0 alone ends every rank,
# and so does a bad value only rank 1 reads.
#   mpi_select.sh GFS MPIRUN ARGS...
set -euo pipefail
gfs=$1
shift
launch=("$@")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export OMP_WAIT_POLICY=passive

# 240 rows x 260 columns; the label depends on columns 7, 128 and 251 (awk: no Python needed).
awk 'BEGIN { srand(20261202); N = 240; D = 260; pi = 3.14159265358979
  for (j = 0; j < D; ++j) printf "c%d,", j; print "label"
  for (i = 0; i < N; ++i) {
    for (j = 0; j < D; ++j) { x[j] = sqrt(-2 * log(1 - rand())) * cos(2 * pi * rand()); printf "%.5f,", x[j] }
    print (x[7] - 0.8 * x[128] + 0.6 * x[251] + 0.3 * (rand() - 0.5) > 0 ? 1 : 0) }
}' >data.csv

# The default algorithm (active set, convergence stopping, pair screen) across the ranks.
opts=(--seed 5 --batch-size 8 --threads 1 --quiet)
common=(select -i data.csv -t label "${opts[@]}")
"$gfs" "${common[@]}" --epochs 60 -o one.json
"${launch[@]}" "$gfs" "${common[@]}" --epochs 60 -o two_a.json
"${launch[@]}" "$gfs" "${common[@]}" --epochs 60 -o two_b.json

compare() {  # compare A B WHAT: WHAT = "fit" (selection, ranking, logits...) or "all" (every key)
  python3 - "$@" <<'PY'
import json, sys
a, b, what = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
for r in (a, b):
    r.pop("fit_seconds")
if what == "all":
    assert a == b, "the two runs differ"
else:
    assert b["ranks"] == 2 and len(b["rank_columns"]) == 2, b.get("ranks")
    assert a["selected"] == b["selected"], (a["selected"], b["selected"])
    assert a["ranking"][:20] == b["ranking"][:20], "top-20 ranking differs"
    for k in ("logits", "scores", "history", "candidates", "feature_names", "selected_names", "n_features",
              "frequencies", "stability"):
        assert a.get(k) == b.get(k), k + " differs"
print("ok:", sys.argv[1], sys.argv[2], what, "selected", b["selected"])
PY
}
compare one.json two_a.json fit
compare two_a.json two_b.json all

# The same table as NPY (label in the last column) and LIBSVM: rank-local reads by offset and streamed.
python3 - <<'PY'
import csv, struct
rows = list(csv.reader(open("data.csv")))[1:]
vals = [[float(v) for v in r] for r in rows]
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (len(vals), len(vals[0]))
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open("data.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    for r in vals:
        f.write(struct.pack("<%df" % len(r), *r))
with open("data.libsvm", "w") as f:
    for r in rows:
        f.write(r[-1] + "".join(" %d:%s" % (j + 1, v) for j, v in enumerate(r[:-1]) if float(v) != 0) + "\n")
PY
"$gfs" select -i data.npy -t 260 "${opts[@]}" --epochs 60 -o one_npy.json
"${launch[@]}" "$gfs" select -i data.npy -t 260 "${opts[@]}" --epochs 60 -o two_npy.json
compare one_npy.json two_npy.json fit
"$gfs" select -i data.libsvm "${opts[@]}" --epochs 60 -o one_svm.json
"${launch[@]}" "$gfs" select -i data.libsvm "${opts[@]}" --epochs 60 -o two_svm.json
compare one_svm.json two_svm.json fit
# Support rule "stability": the members train feature-parallel too.
"$gfs" "${common[@]}" --epochs 20 --support stability -o one_stab.json
"${launch[@]}" "$gfs" "${common[@]}" --epochs 20 --support stability -o two_stab.json
compare one_stab.json two_stab.json fit

# The exact algorithm across the ranks too.
"$gfs" "${common[@]}" --epochs 30 --set exact=true -o one_exact.json
"${launch[@]}" "$gfs" "${common[@]}" --epochs 30 --set exact=true -o two_exact.json
compare one_exact.json two_exact.json fit

# Stop by SIGUSR1 (Slurm's warning signal; mpirun forwards it to every rank), then resume. No
# convergence stop, so that the 200 epochs outlast the signal.
common+=(--set n_iter_no_change=0)
"${launch[@]}" "$gfs" "${common[@]}" --epochs 200 -o long.json
"${launch[@]}" "$gfs" "${common[@]}" --epochs 200 -o stopped.json --checkpoint fit.ckpt --checkpoint-every 20 &
pid=$!
for _ in $(seq 600); do [ -f fit.ckpt.rank1 ] && [ -f fit.ckpt.rank0 ] && break; sleep 0.1; done
kill -USR1 "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 75 ] || { echo "FAIL: stopped fit exited $status, not 75"; exit 1; }
[ ! -f stopped.json ] || { echo "FAIL: a stopped fit wrote a result"; exit 1; }
"${launch[@]}" "$gfs" "${common[@]}" --epochs 200 -o resumed.json --resume fit.ckpt
compare long.json resumed.json all
# The per-rank files resumed by another number of ranks: an error naming the rank count (not "other data").
launch3=() prev=
for a in "${launch[@]}"; do [ "$prev" = "-np" ] && launch3+=(3) || launch3+=("$a"); prev=$a; done
status=0
timeout 120 "${launch3[@]}" "$gfs" "${common[@]}" --epochs 200 -o three.json --resume fit.ckpt 2>err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "a fit over 2 ranks; this fit runs 3 ranks" err.txt && ! grep -q "other data" err.txt ||
  { echo "FAIL: resume by 3 ranks gave $status"; cat err.txt; exit 1; }
# Rank files of different epochs (a kill -9 between the ranks' writes): every rank refuses, no hang.
"${launch[@]}" "$gfs" "${common[@]}" --epochs 200 -o mixed.json --checkpoint mixed.ckpt --checkpoint-every 200
cp fit.ckpt.rank0 mixed.ckpt.rank0  # rank 0 from the stopped fit, rank 1 after epoch 200
status=0
timeout 120 "${launch[@]}" "$gfs" "${common[@]}" --epochs 200 -o mixed2.json --resume mixed.ckpt 2>err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "written at different epochs" err.txt ||
  { echo "FAIL: rank files of different epochs gave $status"; cat err.txt; exit 1; }
# The per-rank files resumed by one process: a clear error, not a missing-file one.
status=0
"$gfs" "${common[@]}" --epochs 200 -o one_resumed.json --resume fit.ckpt 2>err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "feature-parallel fit" err.txt || { echo "FAIL: resume by one process gave $status"; cat err.txt; exit 1; }
# An error seen by rank 0 alone (its output cannot be written) ends every rank with exit 2, no hang.
status=0
timeout 120 "${launch[@]}" "$gfs" "${common[@]}" --epochs 60 -o no-such-dir/r.json 2>err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "no-such-dir/r.json" err.txt || { echo "FAIL: rank-0 error gave $status"; cat err.txt; exit 1; }
# An infinity that only rank 1 reads (a wide NPY read by offset) ends every rank with exit 2, naming it.
python3 - <<'PY'
import struct
n, d = 40, 9000
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (n, d)
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open("wide.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    for i in range(n):
        row = [float((i * 7 + j) % 11) for j in range(d)]
        if i == 3:
            row[8000] = float("inf")
        f.write(struct.pack("<%df" % d, *row))
PY
status=0
timeout 120 "${launch[@]}" "$gfs" select -i wide.npy -t 0 "${opts[@]}" --epochs 2 -o wide.json 2>err.txt || status=$?
[ "$status" -eq 2 ] && grep -q "row 3, column 8000" err.txt || { echo "FAIL: an infinity on rank 1 gave $status"; cat err.txt; exit 1; }
echo "mpi_select: all checks passed"
