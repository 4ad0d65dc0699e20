using System.Buffers.Binary;
using System.Text;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>A storage a pickled tensor points to: the zip entry data/&lt;Key&gt; holding Numel elements of Type.</summary>
public sealed record PickledStorage(string Key, ScalarType Type, int ElementSize, long Numel);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view into a storage.</summary>
public sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// Reads the data.pkl of a <c>torch.save(model.state_dict(), path)</c> archive without running code. Python's
/// unpickler calls any function the file names, so a pull request could make loading the weights run a shell
/// command; this one is a small pickle machine that knows only the opcodes a state_dict uses (protocols 2 to 5, data
/// only) and only the globals torch writes for one: <c>collections.OrderedDict</c>, the tensor rebuild functions and the
/// typed storage classes (in persistent ids). Any other global or opcode is refused, before anything else happens.
/// </summary>
public static class StateDictPickle
{
    private const string RebuildTensor = "torch._utils._rebuild_tensor_v2";
    private const string RebuildParameter = "torch._utils._rebuild_parameter";
    private const string OrderedDictGlobal = "collections.OrderedDict";

    private static readonly Dictionary<string, (ScalarType Type, int Size)> StorageTypes = new(StringComparer.Ordinal)
    {
        ["torch.FloatStorage"] = (ScalarType.Float32, 4),
        ["torch.DoubleStorage"] = (ScalarType.Float64, 8),
        ["torch.HalfStorage"] = (ScalarType.Float16, 2),
        ["torch.BFloat16Storage"] = (ScalarType.BFloat16, 2),
        ["torch.LongStorage"] = (ScalarType.Int64, 8),
    };

    /// <summary>The state_dict's tensors by name, in the file's order.</summary>
    public static IReadOnlyList<(string Name, PickledTensor Tensor)> Parse(byte[] pickle, string path)
    {
        var root = new Machine(pickle, path).Run();
        if (root is not PyDict dict)
            throw Refused(path, $"the pickled object is a {Describe(root)}, not a state_dict (a dict of tensors).");
        var result = new List<(string, PickledTensor)>();
        foreach (var (key, value) in dict)
        {
            if (key is not string name) throw Refused(path, $"the state_dict has a key {Describe(key)} that is not a string.");
            if (value is not PickledTensor tensor)
                throw Refused(path, $"'{name}' is a {Describe(value)}, not a tensor (a training checkpoint rather than model.state_dict()?).");
            result.Add((name, tensor));
        }
        return result;
    }

    private sealed class PyDict : OrderedDictionary<object, object?>;

    private sealed record Global(string Name);

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PyDict => "dict",
        object?[] => "tuple",
        List<object?> => "list",
        string s => $"string '{s}'",
        bool b => b ? "True" : "False",
        long or double => $"number {value}",
        Global g => $"reference to {g.Name}",
        PickledStorage => "storage",
        PickledTensor => "tensor",
        _ => value.GetType().Name,
    };

    private static InputException Refused(string path, string message) =>
        new(ErrorCodes.WeightsMalformed, $"the PyTorch state_dict file was refused: {message}",
            "save the weights with torch.save(model.state_dict(), path), or as safetensors " +
            "(safetensors.torch.save_file(model.state_dict(), path)), which needs no unpickling.", new SourceLocation(path));

    private sealed class Machine(byte[] data, string path)
    {
        private readonly List<object?> _stack = new();
        private readonly Stack<int> _marks = new();
        private readonly Dictionary<long, object?> _memo = new();
        private readonly Dictionary<string, PickledStorage> _storages = new(StringComparer.Ordinal);
        private int _position;

        public object? Run()
        {
            while (true)
            {
                int at = _position;
                byte op = Byte();
                switch (op)
                {
                    case 0x80: Byte(); break;                             // PROTO n
                    case 0x95: Bytes(8); break;                           // FRAME: a length hint only
                    case (byte)'.':                                       // STOP
                        if (_stack.Count != 1) throw Error(at, "the pickle does not end with exactly one object.");
                        return _stack[0];
                    case (byte)'(': _marks.Push(_stack.Count); break;     // MARK
                    case (byte)'0': Pop(at); break;                       // POP
                    case (byte)'1': PopMark(at); break;                   // POP_MARK
                    case (byte)'2': Push(Peek(at)); break;                // DUP
                    case (byte)'N': Push(null); break;
                    case 0x88: Push(true); break;
                    case 0x89: Push(false); break;
                    case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                    case (byte)'K': Push((long)Byte()); break;
                    case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                    case 0x8a: Push(Long(at, Byte())); break;             // LONG1
                    case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;
                    case (byte)'X': Push(Text(at, BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break;
                    case 0x8c: Push(Text(at, Byte())); break;             // SHORT_BINUNICODE
                    case (byte)')': Push(Array.Empty<object?>()); break;
                    case (byte)'t': Push(PopMark(at).ToArray()); break;
                    case 0x85: Push(PopN(at, 1)); break;
                    case 0x86: Push(PopN(at, 2)); break;
                    case 0x87: Push(PopN(at, 3)); break;
                    case (byte)']': Push(new List<object?>()); break;
                    case (byte)'l': Push(PopMark(at)); break;
                    case (byte)'a': { var item = Pop(at); List(at).Add(item); break; }
                    case (byte)'e': { var items = PopMark(at); List(at).AddRange(items); break; }
                    case (byte)'}': Push(new PyDict()); break;
                    case (byte)'d': { var items = PopMark(at); var dict = new PyDict(); SetItems(at, dict, items); Push(dict); break; }
                    case (byte)'s': { var items = PopN(at, 2); SetItems(at, Dict(at), items); break; }
                    case (byte)'u': { var items = PopMark(at); SetItems(at, Dict(at), items); break; }
                    case (byte)'c': Push(Resolve(at, $"{Line(at)}.{Line(at)}")); break;
                    case 0x93:                                            // STACK_GLOBAL
                    {
                        var parts = PopN(at, 2);
                        if (parts is not [string module, string name]) throw Error(at, "STACK_GLOBAL needs two strings.");
                        Push(Resolve(at, $"{module}.{name}"));
                        break;
                    }
                    case (byte)'q': _memo[Byte()] = Peek(at); break;      // BINPUT
                    case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek(at); break;
                    case 0x94: _memo[_memo.Count] = Peek(at); break;      // MEMOIZE
                    case (byte)'h': Push(Memo(at, Byte())); break;        // BINGET
                    case (byte)'j': Push(Memo(at, BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break;
                    case (byte)'Q': Push(PersistentLoad(at, Pop(at))); break;
                    case (byte)'R': { var args = Pop(at); var callable = Pop(at); Push(Call(at, callable, args)); break; }
                    case (byte)'b': Build(at); break;
                    default:
                        throw Refused(path, $"opcode 0x{op:x2} ('{(op is >= 0x20 and < 0x7f ? (char)op : '?')}') at byte {at} is not one a state_dict uses.");
                }
            }
        }

        /// <summary>The security check: only names torch writes for a state_dict resolve to anything.</summary>
        private Global Resolve(int at, string name)
        {
            if (name is OrderedDictGlobal or RebuildTensor or RebuildParameter || StorageTypes.ContainsKey(name)) return new Global(name);
            throw Refused(path, $"it references the global '{name}' (at byte {at}); a state_dict only references " +
                $"{OrderedDictGlobal}, {RebuildTensor}, {RebuildParameter} and torch storage types, so this file could run code when loaded in Python.");
        }

        private object Call(int at, object? callable, object? args)
        {
            if (callable is not Global global || args is not object?[] a)
                throw Error(at, $"REDUCE of a {Describe(callable)} with {Describe(args)}.");
            switch (global.Name)
            {
                case OrderedDictGlobal when a.Length == 0:
                    return new PyDict();
                case RebuildTensor when a.Length is 6 or 7 && a[0] is PickledStorage storage && a[1] is long offset
                                        && a[2] is object?[] size && a[3] is object?[] stride && a[4] is bool:
                    return View(at, storage, offset, Longs(at, size), Longs(at, stride));
                case RebuildParameter when a.Length == 3 && a[0] is PickledTensor tensor:
                    return tensor;
                default:
                    throw Error(at, $"{global.Name} called with ({string.Join(", ", a.Select(Describe))}).");
            }
        }

        private PickledTensor View(int at, PickledStorage storage, long offset, long[] size, long[] stride)
        {
            if (size.Length != stride.Length || offset < 0 || size.Any(s => s < 0) || stride.Any(s => s < 0))
                throw Error(at, $"a tensor of size ({string.Join(", ", size)}), stride ({string.Join(", ", stride)}) and offset {offset}.");
            if (!size.Contains(0))
            {
                long last = checked(offset + size.Zip(stride, (n, s) => (n - 1) * s).Sum());
                if (last >= storage.Numel)
                    throw Error(at, $"a tensor of size ({string.Join(", ", size)}), stride ({string.Join(", ", stride)}) and offset {offset} " +
                        $"reaches element {last} of storage '{storage.Key}', which has {storage.Numel}.");
            }
            return new PickledTensor(storage, offset, size, stride);
        }

        /// <summary>torch's persistent id of a storage: ('storage', storage type, key, location, numel).</summary>
        private PickledStorage PersistentLoad(int at, object? id)
        {
            if (id is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not Global type
                || !StorageTypes.TryGetValue(type.Name, out var element) || t[2] is not string key || t[3] is not string || t[4] is not long numel || numel < 0)
                throw Error(at, $"persistent id {Describe(id)} is not ('storage', torch.<Type>Storage, key, location, numel).");
            var storage = new PickledStorage(key, element.Type, element.Size, numel);
            if (_storages.TryGetValue(key, out var seen))
            {
                if (seen != storage) throw Error(at, $"storage '{key}' is declared twice with different types or sizes.");
                return seen;
            }
            _storages.Add(key, storage);
            return storage;
        }

        /// <summary>BUILD only ever sets the state_dict's <c>_metadata</c> attribute (layer versions), which is not needed.</summary>
        private void Build(int at)
        {
            var state = Pop(at);
            if (Peek(at) is not PyDict || state is not PyDict)
                throw Error(at, $"BUILD of a {Describe(Peek(at))} with a {Describe(state)}.");
        }

        private void SetItems(int at, PyDict dict, IReadOnlyList<object?> items)
        {
            if (items.Count % 2 != 0) throw Error(at, "a dict with an odd number of keys and values.");
            for (int i = 0; i < items.Count; i += 2)
            {
                if (items[i] is not (string or long or bool)) throw Error(at, $"a dict key that is a {Describe(items[i])}.");
                dict[items[i]!] = items[i + 1];
            }
        }

        private long[] Longs(int at, object?[] values) =>
            values.Select(v => v as long? ?? throw Error(at, $"a size or stride entry that is a {Describe(v)}.")).ToArray();

        private long Long(int at, int length)
        {
            if (length > 8) throw Error(at, $"an integer of {length} bytes.");
            var bytes = Bytes(length);
            long value = 0;
            for (int i = length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
            if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length);  // two's complement
            return value;
        }

        private string Text(int at, long length)
        {
            if (length > data.Length - _position) throw Error(at, $"a string of {length} bytes past the end of the pickle.");
            return Encoding.UTF8.GetString(Bytes((int)length));
        }

        private string Line(int at)
        {
            int end = Array.IndexOf(data, (byte)'\n', _position);
            if (end < 0 || end - _position > 256) throw Error(at, "GLOBAL without a short newline-terminated name.");
            var line = Encoding.ASCII.GetString(data, _position, end - _position);
            _position = end + 1;
            return line;
        }

        private object? Memo(int at, long index) =>
            _memo.TryGetValue(index, out var value) ? value : throw Error(at, $"memo entry {index} is read before it is written.");

        private PyDict Dict(int at) => Peek(at) as PyDict ?? throw Error(at, $"SETITEM on a {Describe(Peek(at))}.");

        private List<object?> List(int at) => Peek(at) as List<object?> ?? throw Error(at, $"APPEND on a {Describe(Peek(at))}.");

        private void Push(object? value) => _stack.Add(value);

        private object? Peek(int at)
        {
            if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count)) throw Error(at, "the stack is empty.");
            return _stack[^1];
        }

        private object? Pop(int at)
        {
            var value = Peek(at);
            _stack.RemoveAt(_stack.Count - 1);
            return value;
        }

        private object?[] PopN(int at, int count)
        {
            int floor = _marks.Count > 0 ? _marks.Peek() : 0;
            if (_stack.Count - floor < count) throw Error(at, $"{count} values needed on the stack.");
            var values = _stack.GetRange(_stack.Count - count, count).ToArray();
            _stack.RemoveRange(_stack.Count - count, count);
            return values;
        }

        private List<object?> PopMark(int at)
        {
            if (_marks.Count == 0) throw Error(at, "no MARK before this opcode.");
            int mark = _marks.Pop();
            var values = _stack.GetRange(mark, _stack.Count - mark);
            _stack.RemoveRange(mark, _stack.Count - mark);
            return values;
        }

        private byte Byte() => Bytes(1)[0];

        private ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > data.Length - _position) throw Error(_position, "the pickle ends in the middle of an opcode.");
            var span = data.AsSpan(_position, count);
            _position += count;
            return span;
        }

        private InputException Error(int at, string message) => Refused(path, $"unexpected pickle content at byte {at}: {message}");
    }
}
