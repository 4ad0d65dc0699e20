using System.Buffers.Binary;

namespace SmoothInfo.Build.Tests.NativeFiles;

/// <summary>The operating system and processors a native binary is built for, read from its header.</summary>
internal sealed record NativeBinary(string OperatingSystem, IReadOnlySet<string> Architectures)
{
    /// <summary>Enough of a file for every header read here: ELF and Mach-O headers, PE headers and data directories.</summary>
    public const int HeaderBytes = 64 * 1024;

    /// <returns>Null for anything that is not native code: managed assemblies, JSON, ONNX models, ...</returns>
    public static NativeBinary? Read(ReadOnlySpan<byte> head)
    {
        if (head.Length < 64) return null;
        if (head[0] == 0x7F && head[1..4].SequenceEqual("ELF"u8)) return Elf(head);
        if (head[0] == 'M' && head[1] == 'Z') return Pe(head);
        return MachO(head);
    }

    private static NativeBinary Elf(ReadOnlySpan<byte> head)
    {
        // e_machine, little-endian (every platform here is); 62 = EM_X86_64, 183 = EM_AARCH64.
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(head[18..]);
        return new("linux", new HashSet<string> { machine switch { 62 => "x64", 183 => "arm64", _ => $"elf-machine-{machine}" } });
    }

    private static NativeBinary? Pe(ReadOnlySpan<byte> head)
    {
        int pe = BinaryPrimitives.ReadInt32LittleEndian(head[0x3C..]);
        if (pe <= 0 || pe + 24 + 240 > head.Length || !head[pe..(pe + 4)].SequenceEqual("PE\0\0"u8)) return null;
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(head[(pe + 4)..]);
        int optional = pe + 24;
        // The CLI header is data directory 14: non-empty for a managed assembly, which runs on every platform.
        int dataDirectories = optional + (BinaryPrimitives.ReadUInt16LittleEndian(head[optional..]) == 0x20B ? 112 : 96);
        if (BinaryPrimitives.ReadUInt32LittleEndian(head[(dataDirectories + 14 * 8)..]) != 0) return null;
        return new("windows", new HashSet<string> { machine switch { 0x8664 => "x64", 0xAA64 => "arm64", 0x14C => "x86", _ => $"pe-machine-{machine:x}" } });
    }

    private static NativeBinary? MachO(ReadOnlySpan<byte> head)
    {
        const uint Thin64 = 0xFEEDFACF, Universal = 0xCAFEBABE;
        if (BinaryPrimitives.ReadUInt32LittleEndian(head) == Thin64)
            return new("macos", new HashSet<string> { Cpu(BinaryPrimitives.ReadUInt32LittleEndian(head[4..])) });
        if (BinaryPrimitives.ReadUInt32BigEndian(head) != Universal) return null;
        // A universal binary: a big-endian count, then 20 bytes per slice starting with its CPU type.
        uint slices = BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
        if (slices is 0 or > 8) return null;
        var cpus = new HashSet<string>();
        for (int i = 0; i < slices; i++) cpus.Add(Cpu(BinaryPrimitives.ReadUInt32BigEndian(head[(8 + i * 20)..])));
        return new("macos", cpus);
    }

    private static string Cpu(uint type) => type switch { 0x01000007 => "x64", 0x0100000C => "arm64", _ => $"macho-cpu-{type:x}" };
}
