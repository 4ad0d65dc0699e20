using System.Buffers.Binary;

namespace SmoothInfo.Build.Tests.NativeFiles;

/// <summary>
/// The header reader the package tests judge natives by, on headers written here byte by byte from the formats'
/// definitions (ELF e_machine, PE COFF machine and CLI data directory, Mach-O thin and universal).
/// </summary>
public sealed class NativeBinaryTests
{
    [TestCase((ushort)62, "x64")]
    [TestCase((ushort)183, "arm64")]
    public void ElfIsLinuxWithItsMachine(ushort machine, string architecture)
    {
        var head = new byte[128];
        "\x7F"u8.CopyTo(head);
        "ELF"u8.CopyTo(head.AsSpan(1));
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(18), machine);
        AssertBuiltFor(NativeBinary.Read(head), "linux", architecture);
    }

    [TestCase((ushort)0x8664, (ushort)0x20B, "x64")]
    [TestCase((ushort)0xAA64, (ushort)0x20B, "arm64")]
    [TestCase((ushort)0x14C, (ushort)0x10B, "x86")]
    public void NativePeIsWindowsWithItsMachine(ushort machine, ushort optionalMagic, string architecture) =>
        AssertBuiltFor(NativeBinary.Read(Pe(machine, optionalMagic, managed: false)), "windows", architecture);

    [TestCase((ushort)0x20B)]
    [TestCase((ushort)0x10B)]
    public void AManagedAssemblyIsNoNative(ushort optionalMagic) =>
        Assert.That(NativeBinary.Read(Pe(0x14C, optionalMagic, managed: true)), Is.Null);

    [Test]
    public void ThisTestAssemblyIsNoNative() =>
        Assert.That(NativeBinary.Read(File.ReadAllBytes(typeof(NativeBinaryTests).Assembly.Location).AsSpan(0, 4096)), Is.Null);

    [Test]
    public void ThinMachOIsMacOsWithItsCpu()
    {
        var head = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(head, 0xFEEDFACF);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(4), 0x0100000C);
        AssertBuiltFor(NativeBinary.Read(head), "macos", "arm64");
    }

    [Test]
    public void UniversalMachOIsMacOsWithEverySlicesCpu()
    {
        var head = new byte[64];
        BinaryPrimitives.WriteUInt32BigEndian(head, 0xCAFEBABE);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0x01000007);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(28), 0x0100000C);
        AssertBuiltFor(NativeBinary.Read(head), "macos", "x64", "arm64");
    }

    [Test]
    public void TextAndModelsAreNoNatives()
    {
        Assert.That(NativeBinary.Read("{\"runtimeOptions\": {\"tfm\": \"net10.0\"}} and enough text to pass 64 bytes"u8), Is.Null);
        Assert.That(NativeBinary.Read(new byte[64]), Is.Null);
    }

    private static void AssertBuiltFor(NativeBinary? binary, string operatingSystem, params string[] architectures)
    {
        Assert.That(binary, Is.Not.Null);
        Assert.That(binary!.OperatingSystem, Is.EqualTo(operatingSystem));
        Assert.That(binary.Architectures, Is.EquivalentTo(architectures));
    }

    /// <summary>A DOS stub pointing at a PE header at 0x80, the COFF machine, the optional header's magic, and the CLI directory.</summary>
    private static byte[] Pe(ushort machine, ushort optionalMagic, bool managed)
    {
        var head = new byte[1024];
        head[0] = (byte)'M';
        head[1] = (byte)'Z';
        const int pe = 0x80;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(0x3C), pe);
        "PE\0\0"u8.CopyTo(head.AsSpan(pe));
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(pe + 4), machine);
        int optional = pe + 24;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(optional), optionalMagic);
        int cliDirectory = optional + (optionalMagic == 0x20B ? 112 : 96) + 14 * 8;
        if (managed) BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(cliDirectory), 0x2008);
        return head;
    }
}
