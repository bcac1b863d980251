#!/usr/bin/env python3
"""Writes the bad-input corpus replayed by tests/cli/test_bad_corpus.cpp (see MANIFEST).

Each file is small and wrong in one way; MANIFEST says the exit code and a fragment of the message
gfs must give. Run from this directory: python3 make_bad.py (stdlib only).
"""
import gzip
import struct


def write(name, data):
    with open(name, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(descr, shape, payload, fortran=False):
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape)
    d += " " * ((64 - (10 + len(d) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + payload


def rows(n, label=lambda i: str(i % 2)):
    return "".join(f"{i % 7},{(i * 3) % 5},{label(i)}\n" for i in range(n))


write("empty.csv", "")
write("header_only.csv", "a,b,label\n")
write("ragged.csv", "a,b,label\n1,2,0\n3,4\n")
write("text_cell.csv", "a,b,label\n1,2,0\n3,x7,1\n")
write("nan.csv", "a,b,label\n1,2,nan\n2,3,1\n")
write("inf.csv", "a,b,label\n1,-inf,0\n2,3,1\n")
write("overflow.csv", "a,b,label\n1,1e39,0\n2,3,1\n")
write("dup_header.csv", "a,a,label\n1,2,0\n3,4,1\n")
write("no_target.csv", "a,b,label\n" + rows(4))
write("header_newline.csv", 'a,"b\nc",label\n' + rows(4))  # a line break inside a quoted name
write("one_class.csv", "a,b,label\n" + rows(4, lambda i: "1"))
write("frac_label.csv", "a,b,label\n" + rows(4, lambda i: "0.5" if i == 2 else "1"))
write("mixed_label.csv", "a,b,label\n" + rows(4, lambda i: "cat" if i == 3 else "1"))
write("cr_only.csv", "a,b,label\r" + rows(6).replace("\n", "\r"))
write("latin1_header.csv", b"caf\xe9,b,label\n" + rows(6).encode())
write("latin1_label.csv", b"a,b,label\n" + rows(6, lambda i: "x" if i % 2 else "y").encode().replace(b"x", b"x\xe9"))
write("nul_cell.csv", b"a,b,label\n1,2\x003,0\n4,5,1\n")
write("gz_truncated.csv.gz", gzip.compress(("a,b,label\n" + rows(200)).encode())[:-40])
write("labels3.txt", "0\n1\n0\n")
write("labels2.txt", "0\n1\n")
write("x3.csv", "a,b\n1,2\n3,4\n5,6\n")
write("bad_magic.npy", b"\x93NUMPX\x01\x00" + b"\0" * 16)
write("fortran_truncated.npy", npy("<f4", "(3, 2)", struct.pack("<5f", *range(5)), fortran=True))
write("fortran_inf.npy", npy("<f4", "(3, 2)", struct.pack("<6f", 0, 1, 2, 3, float("inf"), 5), fortran=True))
write("truncated.npy", npy("<f4", "(3, 2)", struct.pack("<3f", 1, 2, 3)))
write("f64_1e300.npy", npy("<f8", "(3, 2)", struct.pack("<6d", 1, 1e300, 2, 3, 4, 5)))
write("complex.npy", npy("<c8", "(3, 2)", b"\0" * 48))
write("lying.npy.gz", gzip.compress(npy("|u1", "(1200000, 1000)", b"\0" * 65536), 9))
write("bad-images-idx3-ubyte", b"\x12\x34\x56\x78")
write("short-images-idx3-ubyte", b"\x00\x00\x08\x03" + struct.pack(">3I", 100000, 28, 28) + b"\0" * 64)
write("zero_index.libsvm", "1 0:1\n0 1:1\n")
write("decreasing.libsvm", "1 3:1 2:1\n0 1:1\n")
write("nan.libsvm", "1 1:nan\n0 1:1\n")
write("not_pair.libsvm", "1 1:1 2\n0 1:1\n")
write("wide.libsvm", "".join(f"{i % 2} 1:0.5 3:1.5" + (" 16777216:1" if i == 0 else "") + "\n" for i in range(41)))
