#!/usr/bin/env python3
"""Writes the fuzz seeds for the hostile inputs of issue 13 beside this script (stdlib only).

csv seeds start with the mode byte fuzz_csv.cpp reads (bit 0-1 target spec, bit 2 ';', bit 3 the
column copy, bit 4 copy by name, bit 5 carry the fit's target). smoke.sh also seeds each target with
tests/data and tests/data/bad.
"""
import gzip
import os
import struct


def write(path, data):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(descr, shape, payload):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + payload


ids = "a,b,label\n1,2,100000001\n3,4,100000002\n5,6,100000005\n"
write("csv/cr_only", b"\x02" + b"a,b,label\r1,2,0\r3,4,1\r")
write("csv/big_ids", b"\x02" + ids.encode())
write("csv/nul_cell", b"\x02a,b,label\n1,2\x003,0\n")
write("csv/extreme", b"\x02a,b,label\n3.4e38,-3.4e38,0\n-3.4e38,1e-45,1\n")
write("csv/long_line", b"\x02a,b,label\n" + b"1" * 5000 + b",2,0\n")
write("csv/latin1", b"\x02caf\xe9,b,label\n1,2,x\xe9\n")
write("csv/quoted", b"\x02\"a,1\",b,label\n\"1\",\" 2 \",\"x,y\"\n")
write("csv/gz_ids", b"\x02" + gzip.compress(ids.encode()))
write("csv/copy_by_name", b"\x38" + b"b,label,a\n1700000000,1,123456.789\n1700000037,0,\"2.50\"\n")
write("csv/copy_by_position", b"\x08" + b"a,b\n1,2\n3,4\n")
write("csv/copy_ragged", b"\x18" + b"a,b\n1,2\n3\n")
write("npy/f64_1e300", npy("<f8", "(2, 2)", struct.pack("<4d", 1, 1e300, 2, 3)))
write("npy/i8_labels", npy("<i8", "(3,)", struct.pack("<3q", 100000001, 100000002, -5)))
write("npy/u8_labels", npy("<u8", "(2,)", struct.pack("<2Q", 2**64 - 1, 0)))
write("npy/lying_gz", gzip.compress(npy("|u1", "(1200000, 1000)", b"\0" * 4096)))
write("npy/lying", npy("<f4", "(100000, 100000)", b"\0" * 64))
write("idx/lying", b"\x00\x00\x08\x03" + struct.pack(">3I", 100000, 28, 28) + b"\0" * 64)
write("idx/lying_gz", gzip.compress(b"\x00\x00\x08\x03" + struct.pack(">3I", 100000, 28, 28) + b"\0" * 4096))
write("idx/f64", b"\x00\x00\x0e\x02" + struct.pack(">2I", 2, 2) + struct.pack(">4d", 1, 1e300, 2, 3))
write("libsvm/wide", "0 1:1 16777216:1\n1 2:1\n")
write("libsvm/big_labels", "100000001 1:1\n100000002 2:1 qid:3\n")
write("libsvm/cr_only", "0 1:1\r1 2:1\r")
write("libsvm/long_line", "0 " + " ".join(f"{i}:1" for i in range(1, 1200)) + "\n")
