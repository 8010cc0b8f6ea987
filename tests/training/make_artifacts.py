"""Builds real model files of every format artifact inspection detects.

Usage: python3 make_artifacts.py DIR

Only the standard library: pickle, pickletools, zipfile, gzip, zlib, struct.
PyTorch and numpy files are built the way torch.save and numpy.save lay
them out, with stand-in modules registered in sys.modules so that pickle
writes the very globals the real libraries write. Nothing here ever loads
a pickle.
"""
import collections
import gzip
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile
import zlib


def module(name, **attrs):
    """A stand-in module, so pickle names `name.attr` for each attribute."""
    m = types.ModuleType(name)
    for key, value in attrs.items():
        if callable(value):
            value.__module__ = name
            value.__qualname__ = key
        setattr(m, key, value)
    sys.modules[name] = m
    return m


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called")


class FloatStorage:
    pass


class NumpyArrayWrapper:
    pass


module("torch", FloatStorage=FloatStorage)
module("torch._utils", _rebuild_tensor_v2=_rebuild_tensor_v2)
module("joblib")
module("joblib.numpy_pickle", NumpyArrayWrapper=NumpyArrayWrapper)


class Tensor:
    """Pickles as torch.save pickles a tensor: _rebuild_tensor_v2 over a
    persistent storage reference."""

    def __init__(self, key, shape):
        self.key, self.shape = key, shape

    def __reduce_ex__(self, protocol):
        storage = ("storage", FloatStorage, self.key, "cpu", 4)
        stride = (self.shape[1], 1) if len(self.shape) == 2 else (1,)
        return (_rebuild_tensor_v2, (storage, 0, self.shape, stride, False, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj if isinstance(obj, tuple) and obj and obj[0] == "storage" else None


def torch_pickle(obj):
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


class Evil:
    """Runs its target when unpickled: the classic payload."""

    def __init__(self, target, *args):
        self.target, self.args = target, args

    def __reduce__(self):
        return (self.target, self.args)


def evil(which):
    import builtins
    import subprocess
    return {
        "os": Evil(os.system, "echo pwned"),
        "eval": Evil(builtins.eval, "print('pwned')"),
        "popen": Evil(subprocess.Popen, ["echo", "pwned"]),
    }[which]


def write(dir, name, data):
    path = os.path.join(dir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def zip_bytes(members, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def stored_zip(name, data):
    """One stored member, written by hand: zipfile refuses some names (an empty one)."""
    crc = zlib.crc32(data)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(data), len(data),
                          len(name), 0, 0, 0, 0, 0, 0)
    local += name + data
    central += name
    return local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)


def torch_zip(data_pkl):
    """torch.save's layout: <dir>/data.pkl, <dir>/data/<key>, version, byteorder."""
    return zip_bytes([
        ("archive/data.pkl", data_pkl),
        ("archive/byteorder", b"little"),
        ("archive/data/0", struct.pack("<4f", 1, 2, 3, 4)),
        ("archive/version", b"3\n"),
    ])


def safetensors(tensors, metadata=None, gap=0):
    """A safetensors file: u64 header length, JSON header, data."""
    header, data, at = {}, b"", 0
    for name, (dtype, shape, values) in tensors.items():
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [at, at + len(raw)]}
        data += raw
        at += len(raw) + gap
        data += b"\0" * gap
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def npy(descr, shape, payload):
    header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, shape)
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    return key + (varint(payload) if wire == 0 else varint(len(payload)) + payload)


def main(dir):
    os.makedirs(dir, exist_ok=True)
    # Raw pickles: three payloads and a benign document, protocols 0-5.
    benign = {"weights": [1, 2.5, "x", None, True], "shape": (2, 2), "tags": {"a", "b"}, "raw": b"\x00\x01"}
    for p in range(6):
        for which in ("os", "eval", "popen"):
            write(dir, "pickles/evil_%s_p%d.pkl" % (which, p), pickle.dumps(evil(which), protocol=p))
        write(dir, "pickles/benign_p%d.pkl" % p, pickle.dumps(benign, protocol=p))

    # STACK_GLOBAL whose operands come from the memo, not the opcodes before it.
    write(dir, "pickles/memo_stack_global.pkl",
          b"\x80\x04\x8c\x05posix\x94\x8c\x06system\x94" b"00"  # push, memoize, drop both
          b"h\x00h\x01\x93\x8c\x02id\x85R.")                     # BINGET 0, BINGET 1, STACK_GLOBAL
    write(dir, "pickles/memo_put_get.pkl",
          b"\x80\x04Vsub\\u0070rocess\np7\n0X\x05\x00\x00\x00Popenr\x00\x01\x00\x00"
          b"0g7\nj\x00\x01\x00\x00\x93)R.")                      # PUT/GET, LONG_BINPUT/LONG_BINGET
    # A dunder reached through a dotted protocol-4 name.
    dotted = b"OrderedDict.__init__.__globals__"
    write(dir, "pickles/dotted_dunder.pkl",
          b"\x80\x04\x8c\x0bcollections\x8c" + bytes([len(dotted)]) + dotted + b"\x93.")
    # An extension code: whatever copyreg's registry says.
    write(dir, "pickles/ext2.pkl", b"\x80\x02\x83\x01\x02)R.")
    # INST, protocol 0.
    write(dir, "pickles/inst.pkl", b"(S'echo pwned'\nios\nsystem\n.")
    # Truncated: the payload cut before STOP (the unpickler has run it by
    # then), and a protocol 4 one cut inside its FRAME (it runs nothing).
    write(dir, "pickles/truncated.pkl", pickle.dumps(evil("os"), protocol=2)[:-1])
    write(dir, "truncated_frame.pkl", pickle.dumps(evil("os"), protocol=4)[:-3])
    # A legacy torch.save file: five pickles, then raw storage bytes.
    legacy = b"".join(pickle.dumps(x, protocol=2) for x in (
        0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}))
    legacy += pickle.dumps(evil("popen"), protocol=2) + pickle.dumps(["0"], protocol=2)
    legacy += struct.pack("<q4f", 4, 1, 2, 3, 4)
    write(dir, "legacy.pt", legacy)
    # joblib (uncompressed): a pickle that imports from joblib.
    write(dir, "model.joblib", pickle.dumps({"estimator": NumpyArrayWrapper()}, protocol=4))

    # PyTorch zip checkpoints: clean, and with the payload as data.pkl.
    state = collections.OrderedDict([("weight", Tensor("0", (2, 2)))])
    clean_pkl = torch_pickle(state)
    write(dir, "pickles/torch_data.pkl", clean_pkl)
    write(dir, "torch_clean.pt", torch_zip(clean_pkl))
    evil_pkl = pickle.dumps(evil("os"), protocol=2)
    write(dir, "torch_evil.pt", torch_zip(evil_pkl))
    # The same evil checkpoint under a safetensors name.
    write(dir, "hidden/model.safetensors", torch_zip(evil_pkl))
    # A member with no name at all (found by fuzz/artifact_fuzz).
    write(dir, "nameless_member.zip", stored_zip(b"", evil_pkl))
    # A deflated data.pkl.
    write(dir, "torch_deflated.pt", zip_bytes([("archive/data.pkl", evil_pkl)], zipfile.ZIP_DEFLATED))
    # A pickle prepended to a zip: zipfile still opens it, pickle.load runs it.
    write(dir, "polyglot.zip", pickle.dumps(evil("eval"), protocol=4) + torch_zip(clean_pkl))
    # A pickle hidden between the last member and the central directory,
    # the directory's offset moved past it: every entry still reads.
    clean = torch_zip(clean_pkl)
    directory = clean.rindex(b"PK\x01\x02")
    while clean.rfind(b"PK\x01\x02", 0, directory) != -1:
        directory = clean.rfind(b"PK\x01\x02", 0, directory)
    gap = bytearray(clean[:directory] + evil_pkl + clean[directory:])
    end = gap.rindex(b"PK\x05\x06")
    gap[end + 16:end + 20] = struct.pack("<I", directory + len(evil_pkl))
    write(dir, "gap.zip", bytes(gap))
    # Two zips end to end: zipfile reads the second, a reader that takes the
    # first end record reads the first.
    write(dir, "concatenated.zip", torch_zip(evil_pkl) + torch_zip(clean_pkl))
    # A zip inside a zip.
    write(dir, "nested.zip", zip_bytes([("inner/model.pt", torch_zip(evil_pkl))]))

    # safetensors, built by hand: valid, and with a gap between tensors.
    write(dir, "model.safetensors", safetensors(
        {"weight": ("F32", [2, 2], [1, 2, 3, 4]), "bias": ("F32", [2], [0.5, -0.5])},
        metadata={"format": "pt"}))
    write(dir, "broken.safetensors", safetensors({"weight": ("F32", [2], [1, 2]), "bias": ("F32", [1], [3])}, gap=4))

    # numpy: a plain array, an object array (a pickle after the header), npz.
    plain = npy("<f4", (4,), struct.pack("<4f", 1, 2, 3, 4))
    objects = npy("|O", (1,), pickle.dumps([evil("os")], protocol=3))
    write(dir, "plain.npy", plain)
    write(dir, "objects.npy", objects)
    write(dir, "arrays.npz", zip_bytes([("plain.npy", plain), ("objects.npy", objects)], zipfile.ZIP_DEFLATED))

    # GGUF, HDF5 (at 0 and after a 512-byte user block), Keras v3, ONNX.
    write(dir, "model.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 0))
    hdf5 = b"\x89HDF\r\n\x1a\n" + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + b"\0" * 80
    write(dir, "model.h5", hdf5)
    write(dir, "userblock.h5", b"\0" * 512 + hdf5)
    write(dir, "model.keras", zip_bytes([
        ("metadata.json", b'{"keras_version": "3.0.0"}'),
        ("config.json", b'{"class_name": "Sequential"}'),
        ("model.weights.h5", hdf5),
    ]))
    graph = field(1, 2, field(1, 2, b"x") + field(2, 2, b"y") + field(4, 2, b"Relu")) + field(2, 2, b"g")
    write(dir, "model.onnx", field(1, 0, 8) + field(2, 2, b"pytorch") + field(7, 2, graph)
          + field(8, 2, field(2, 0, 17)))

    # Compressed pickles, as joblib.dump(compress=...) writes them.
    write(dir, "model.pkl.gz", gzip.compress(evil_pkl))
    write(dir, "model_zlib.joblib", zlib.compress(evil_pkl))
    write(dir, "model.pkl.xz", b"\xfd7zXZ\0" + b"\0" * 32)

    # A member that inflates far beyond what it takes: 8 MiB of zeros.
    write(dir, "bomb.zip", zip_bytes([("zeros.bin", b"\0" * (8 << 20))], zipfile.ZIP_DEFLATED))
    # A member flagged encrypted (in its directory entry and local header).
    locked = bytearray(zip_bytes([("secret.pkl", evil_pkl)]))
    locked[6] |= 1
    central = locked.rindex(b"PK\x01\x02")
    locked[central + 8] |= 1
    write(dir, "encrypted.zip", bytes(locked))

    # Text a model directory holds.
    write(dir, "config.json", b'{"hidden_size": 4}\n')
    write(dir, "README.md", b"# A model\n\nWeights in model.safetensors.\n")


if __name__ == "__main__":
    main(sys.argv[1])
