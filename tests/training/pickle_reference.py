"""What Python itself says a pickle stream imports, for cross-checking mgov.

Usage: python3 pickle_reference.py FILE [OFFSET]

Prints, for the stream starting at OFFSET (default 0):
  protocol N        max(PROTO argument, newest opcode's protocol), as pickletools
  stopped yes|no    whether the stream reached STOP
  end N             the offset after STOP (when stopped)
  import OPCODE MODULE NAME   each distinct import, in order of appearance
  import EXTn unresolved      an extension code (the registry decides)
  count OPCODE N    how often each opcode that imports or calls appears

The opcodes, their arguments and positions come from pickletools.genops.
Which global a STACK_GLOBAL names comes from CPython's own unpickler
(pickle.Unpickler, the C implementation), whose find_class is overridden to
record the name and return an inert stand-in: nothing is imported, no
callable of the stream ever runs.
"""
import io
import pickle
import pickletools
import sys

COUNTED = ["GLOBAL", "STACK_GLOBAL", "INST", "EXT1", "EXT2", "EXT4", "REDUCE",
           "BUILD", "OBJ", "NEWOBJ", "NEWOBJ_EX", "PERSID", "BINPERSID"]
IMPORTS = {"GLOBAL", "INST", "STACK_GLOBAL", "EXT1", "EXT2", "EXT4"}


class Inert:
    """Accepts every call the unpickler makes on what find_class returns."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Recorder(pickle.Unpickler):
    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.found = []

    def find_class(self, module, name):
        self.found.append((module, name))
        return type("Inert", (Inert,), {})

    def persistent_load(self, pid):
        return Inert()


def main(path, offset):
    with open(path, "rb") as f:
        data = f.read()[offset:]
    ops, stopped, end, protocol = [], False, None, 0
    try:
        for op, arg, pos in pickletools.genops(data):
            ops.append(op.name)
            protocol = max(protocol, op.proto)
            if op.name == "PROTO":
                protocol = max(protocol, arg)
            if op.name == "STOP":
                stopped, end = True, pos + 1
    except Exception:
        pass
    recorder = Recorder(data)
    try:
        recorder.load()
    except Exception:
        pass
    print("protocol", protocol)
    print("stopped", "yes" if stopped else "no")
    if stopped:
        print("end", offset + end)
    seen, found = set(), iter(recorder.found)
    for opcode in (o for o in ops if o in IMPORTS):
        if opcode.startswith("EXT"):
            line = "import %s unresolved" % opcode
        else:
            global_ = next(found, None)
            if global_ is None:
                break  # the unpickler stopped before this import
            line = "import %s %s %s" % (opcode, global_[0], global_[1])
        if line not in seen:
            seen.add(line)
            print(line)
    for opcode in COUNTED:
        print("count", opcode, ops.count(opcode))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
