"""Writes the torch.save and torch.jit.save fixtures of StateDictFileTests without PyTorch (not installed here).

torch.save pickles the state_dict with Python's own pickle (protocol 2) and a persistent_id that turns each storage
into ('storage', torch.<Type>Storage, key, location, numel), tensors reduce to torch._utils._rebuild_tensor_v2(storage,
offset, size, stride, requires_grad, backward_hooks), and the storages' bytes go to <archive>/data/<key> of an
uncompressed zip next to data.pkl, version and byteorder. Stub modules named torch and torch._utils make pickle write
exactly those opcodes and globals. Run from this folder: python3 make_fixtures.py
"""
import collections
import copyreg
import io
import os
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stub: only pickled, never called")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2

FORMATS = {"FloatStorage": "<f", "DoubleStorage": "<d", "HalfStorage": "<e", "BFloat16Storage": "bf16", "LongStorage": "<q"}
for name in FORMATS:
    setattr(torch, name, type(name, (), {"__module__": "torch"}))


class Storage:
    def __init__(self, key, type_name, values):
        self.key, self.type_name, self.values = key, type_name, values

    def data(self):
        fmt = FORMATS[self.type_name]
        if fmt == "bf16":  # bfloat16 is the upper half of a float32
            return b"".join(struct.pack("<f", v)[2:4] for v in self.values)
        return b"".join(struct.pack(fmt, v) for v in self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, obj.type_name), obj.key, "cpu", len(obj.values))
        return None


def contiguous(storage, size):
    stride, step = [], 1
    for n in reversed(size):
        stride.insert(0, step)
        step *= n
    return Tensor(storage, 0, tuple(size), tuple(stride))


def save(file, state, storages, extra=None):
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    archive = os.path.splitext(file)[0]
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as z:
        def write(name, data):  # a fixed timestamp, so that the fixtures are byte-for-byte reproducible
            z.writestr(zipfile.ZipInfo(f"{archive}/{name}", date_time=(1980, 1, 1, 0, 0, 0)), data)
        write("data.pkl", buffer.getvalue())
        write("byteorder", "little")
        for s in storages:
            write(f"data/{s.key}", s.data())
        write("version", "3\n")
        for name, data in (extra or {}).items():
            write(name, data)


def value(i):
    """Exact in float16 and bfloat16: multiples of 1/8 below 4."""
    return (i % 29) / 8 - 1.5


# The MLP 3 -> 4 -> 2 (ProbeNetworks names 0.weight, 0.bias, 2.weight, 2.bias), one float type per tensor and each
# kind of view: contiguous, a slice at an offset, a transpose (strided), a storage shared by two tensors.
w0 = Storage("0", "FloatStorage", [value(i) for i in range(12)])
b0 = Storage("1", "DoubleStorage", [99.0, 99.0] + [value(100 + i) for i in range(4)])
w2t = Storage("2", "HalfStorage", [value(200 + 2 * j + i) for j in range(4) for i in range(2)])  # W^T, (4, 2) row-major
b2 = Storage("3", "BFloat16Storage", [value(300 + i) for i in range(2)])
mlp = collections.OrderedDict()
mlp["0.weight"] = contiguous(w0, (4, 3))
mlp["0.bias"] = Tensor(b0, 2, (4,), (1,))
mlp["2.weight"] = Tensor(w2t, 0, (2, 4), (1, 2))
mlp["2.bias"] = contiguous(b2, (2,))
mlp._metadata = collections.OrderedDict([("", {"version": 1}), ("0", {"version": 1}), ("2", {"version": 1})])
save("mlp_3_4_2.pt", mlp, [w0, b0, w2t, b2])

# int64 (a buffer such as num_batches_tracked), a 0-dim tensor, and two tensors sharing one storage.
steps = Storage("0", "LongStorage", [-1, 2**40, 7])
shared = Storage("1", "DoubleStorage", [0.5, 1.5, 2.5, 3.5])
other = collections.OrderedDict()
other["steps"] = contiguous(steps, (3,))
other["scalar"] = Tensor(shared, 3, (), ())
other["pair"] = Tensor(shared, 0, (2,), (2,))
save("kinds.pt", other, [steps, shared])


class RunsAShellCommand:
    def __reduce__(self):
        return (os.system, ("echo this file ran a command",))


evil = collections.OrderedDict(mlp)
evil["0.weight"] = RunsAShellCommand()
save("malicious.pt", evil, [w0, b0, w2t, b2])

save("checkpoint.pt", {"model": mlp, "epoch": 3}, [w0, b0, w2t, b2])


# TorchScript (torch.jit.save) for the same MLP, as a custom module whose submodules are called "0" and "2" like
# nn.Sequential's: data.pkl pickles the module objects (GLOBAL __torch__.<Class>, NEWOBJ, attribute dict, BUILD), the
# classes are TorchScript source in code/__torch__.py, constants.pkl holds the (no) tensor constants.
torch_script = types.ModuleType("__torch__")
sys.modules["__torch__"] = torch_script


class ScriptObject:
    def __init__(self, **attributes):
        self.attributes = attributes

    def __reduce_ex__(self, protocol):
        return (copyreg.__newobj__, (type(self),), self.attributes)


for name in ("Net", "Linear"):
    setattr(torch_script, name, type(name, (ScriptObject,), {"__module__": "__torch__"}))

SCRIPT_CODE = '''class Net(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  __annotations__["0"] = __torch__.Linear
  __annotations__["2"] = __torch__.Linear
  def forward(self: __torch__.Net,
    x: Tensor) -> Tensor:
    _0 = getattr(self, "0")
    _2 = getattr(self, "2")
    return (_2).forward(torch.relu((_0).forward(x, )), )
class Linear(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Tensor
  training : bool
  def forward(self: __torch__.Linear,
    x: Tensor) -> Tensor:
    return torch.linear(x, self.weight, self.bias)
'''

f32 = [Storage(str(i), "FloatStorage", [value(400 + 100 * i + j) for j in range(n)]) for i, n in enumerate((12, 4, 8, 2))]
script = torch_script.Net(training=False, **{
    "0": torch_script.Linear(training=False, weight=contiguous(f32[0], (4, 3)), bias=contiguous(f32[1], (4,))),
    "2": torch_script.Linear(training=False, weight=contiguous(f32[2], (2, 4)), bias=contiguous(f32[3], (2,))),
})
save("mlp_3_4_2_script.pt", script, f32, {"code/__torch__.py": SCRIPT_CODE, "constants.pkl": pickle.dumps((), protocol=2)})
