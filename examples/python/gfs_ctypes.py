#!/usr/bin/env python3
"""Calling libgfs from Python through its C API with ctypes (no compiled binding needed).

    python3 examples/python/gfs_ctypes.py [path/to/libgfs.so]

Fits a small synthetic problem whose label depends on features 0..4 only and prints the support.
"""
import ctypes
import random
import sys

lib = ctypes.CDLL(sys.argv[1] if len(sys.argv) > 1 else "build/src/libgfs.so")
lib.gfs_version.restype = ctypes.c_char_p
lib.gfs_last_error.restype = ctypes.c_char_p
i64 = ctypes.c_int64
lib.gfs_fit.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), i64, i64,
                        ctypes.POINTER(ctypes.c_float), ctypes.c_int32]
lib.gfs_get_selected.argtypes = [ctypes.c_void_p, ctypes.POINTER(i64), i64]
lib.gfs_n_selected.argtypes = [ctypes.c_void_p, ctypes.POINTER(i64)]
lib.gfs_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
lib.gfs_destroy.argtypes = [ctypes.c_void_p]


def check(status):
    if status != 0:
        raise RuntimeError(f"gfs error {status}: {lib.gfs_last_error().decode()}")


n, d = 400, 40
rng = random.Random(7)
x = [rng.gauss(0, 1) for _ in range(n * d)]
y = [1.0 if sum(x[i * d:i * d + 5]) > 0 else 0.0 for i in range(n)]

handle = ctypes.c_void_p()
check(lib.gfs_create(ctypes.byref(handle)))
try:
    for key, value in {"epochs": "80", "device": "cpu", "seed": "1"}.items():
        check(lib.gfs_set(handle, key.encode(), value.encode()))
    check(lib.gfs_fit(handle, (ctypes.c_float * len(x))(*x), n, d, (ctypes.c_float * n)(*y), 1))
    k = i64()
    check(lib.gfs_n_selected(handle, ctypes.byref(k)))
    selected = (i64 * max(k.value, 1))()
    check(lib.gfs_get_selected(handle, selected, k.value))
    print(f"gfs {lib.gfs_version().decode()}: selected {list(selected)[:k.value]} (truth: 0..4)")
finally:
    lib.gfs_destroy(handle)
