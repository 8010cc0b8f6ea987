#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/artifact_fuzz: one small file of each
format artifact inspection detects, made by the libraries that make them
(pickle, zipfile, gzip, zlib) or by hand where mgov's tests do the same
(safetensors, npy, GGUF, HDF5 and ONNX headers).
    fuzz/make_artifact_seeds.py [DIR]      (default fuzz/corpus/artifact)
"""
import gzip, io, json, os, pickle, struct, sys, zipfile, zlib
from collections import OrderedDict

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "artifact")
os.makedirs(out, exist_ok=True)

def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))

state = OrderedDict(weight=[1.0, 2.0], bias=3)
for proto in (0, 2, 4, 5):
    put(f"pickle-p{proto}.pkl", pickle.dumps(state, protocol=proto))
    put(f"pickle-evil-p{proto}.pkl", pickle.dumps([Evil(), 1], protocol=proto))
put("pickle-two-streams.pkl", pickle.dumps(1, protocol=2) + pickle.dumps(Evil(), protocol=4))

def safetensors(tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, values in tensors.items():
        raw = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": [len(values)], "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data
put("model.safetensors", safetensors({"w": [1.0, 2.0, 3.0], "b": [0.5]}))

def npy(values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % len(values)
    header = header.ljust(118) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack(f"<{len(values)}f", *values)
put("array.npy", npy([1.0, 2.0]))

def zipped(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()
put("torch-checkpoint.pt", zipped({"archive/data.pkl": pickle.dumps(state, protocol=2),
                                   "archive/version": b"3\n", "archive/data/0": b"\0" * 16}))
put("torch-evil-deflated.pt", zipped({"archive/data.pkl": pickle.dumps(Evil(), protocol=2)}, zipfile.ZIP_DEFLATED))
put("arrays.npz", zipped({"a.npy": npy([1.0]), "b.npy": npy([2.0, 3.0])}, zipfile.ZIP_DEFLATED))
put("pickle-in-zip.safetensors", zipped({"weights.pkl": pickle.dumps(Evil(), protocol=4)}))
put("zip-in-zip.zip", zipped({"inner.zip": zipped({"x.pkl": pickle.dumps(Evil(), protocol=2)})}))
put("pickle.pkl.gz", gzip.compress(pickle.dumps(state, protocol=4)))
put("pickle.joblib", zlib.compress(pickle.dumps(Evil(), protocol=2)))

put("model.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 0))
put("model.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 56)
# An ONNX ModelProto: ir_version 8, producer_name "mgov", an empty graph.
put("model.onnx", bytes([0x08, 0x08, 0x12, 0x04]) + b"mgov" + bytes([0x3a, 0x00]))
put("text.txt", b"not a model\n")
