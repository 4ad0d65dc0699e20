// Reads and edits the GNU symbol-version tables of a 64-bit little-endian ELF shared library.
// Used at build time by LibStdCxxCompat.targets (compiled inline by MSBuild) and by the tests.
// Why: TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13) only because GCC 13's
// <iostream> references _ZSt21ios_base_library_initv, which nothing ever calls. Debian 12's libstdc++
// stops at GLIBCXX_3.4.30, so the loader refuses the library. Marking that one version requirement
// weak (VER_FLG_WEAK) lets the loader accept it; every symbol bound to that version is checked first.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SmoothInfo.BuildSupport
{
    public enum WeakenOutcome { Weakened, AlreadyWeak, NotRequired }

    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    public static class ElfVersionNeeds
    {
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        public const ushort VerFlagWeak = 0x2;

        private readonly struct Section
        {
            public Section(uint type, long offset, long size, int link, int info, long entrySize)
            {
                Type = type; Offset = offset; Size = size; Link = link; Info = info; EntrySize = entrySize;
            }
            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public int Link { get; }
            public int Info { get; }
            public long EntrySize { get; }
        }

        /// <summary>A version requirement: which library it is needed from, its name, flags and index.</summary>
        public sealed class VersionNeed
        {
            public VersionNeed(string file, string name, ushort flags, ushort index, int flagsOffset)
            {
                File = file; Name = name; Flags = flags; Index = index; FlagsOffset = flagsOffset;
            }
            public string File { get; }
            public string Name { get; }
            public ushort Flags { get; }
            public ushort Index { get; }
            internal int FlagsOffset { get; }
            public bool IsWeak => (Flags & VerFlagWeak) != 0;
        }

        public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var sections = ReadSections(elf);
            var result = new List<VersionNeed>();
            foreach (var verneed in sections.Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = sections[verneed.Link];
                long entry = verneed.Offset;
                for (int i = 0; i < verneed.Info; i++)
                {
                    ushort count = U16(elf, entry + 2);
                    string file = CString(elf, strings.Offset + U32(elf, entry + 4));
                    long aux = entry + U32(elf, entry + 8);
                    for (int j = 0; j < count; j++)
                    {
                        result.Add(new VersionNeed(file, CString(elf, strings.Offset + U32(elf, aux + 8)),
                            U16(elf, aux + 4), U16(elf, aux + 6), checked((int)(aux + 4))));
                        aux += U32(elf, aux + 12);
                    }
                    entry += U32(elf, entry + 12);
                }
            }
            return result;
        }

        /// <summary>Version names a library defines (.gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
        public static ISet<string> ReadVersionDefinitions(byte[] elf)
        {
            var sections = ReadSections(elf);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var verdef in sections.Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = sections[verdef.Link];
                long entry = verdef.Offset;
                for (int i = 0; i < verdef.Info; i++)
                {
                    ushort count = U16(elf, entry + 6);
                    long aux = entry + U32(elf, entry + 12);
                    for (int j = 0; j < count; j++)
                    {
                        names.Add(CString(elf, strings.Offset + U32(elf, aux)));
                        aux += U32(elf, aux + 4);
                    }
                    entry += U32(elf, entry + 16);
                }
            }
            return names;
        }

        /// <summary>Undefined dynamic symbols bound to the version with the given index.</summary>
        public static IReadOnlyList<string> SymbolsBoundTo(byte[] elf, ushort versionIndex)
        {
            var sections = ReadSections(elf);
            var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym);
            var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
            if (dynsym.Size == 0 || versym.Size == 0) return Array.Empty<string>();
            var strings = sections[dynsym.Link];
            long count = dynsym.Size / dynsym.EntrySize;
            var result = new List<string>();
            for (long i = 0; i < count; i++)
            {
                if ((U16(elf, versym.Offset + 2 * i) & 0x7fff) != versionIndex) continue;
                long sym = dynsym.Offset + i * dynsym.EntrySize;
                result.Add(CString(elf, strings.Offset + U32(elf, sym)));
            }
            return result;
        }

        /// <summary>
        /// Marks the requirement of <paramref name="versionName"/> weak in <paramref name="libraryPath"/>,
        /// after checking that only <paramref name="allowedSymbols"/> are bound to it. The file is replaced
        /// (written beside it, then renamed), so a hard link into a package cache is never edited.
        /// </summary>
        public static WeakenOutcome MakeWeak(string libraryPath, string versionName, ICollection<string> allowedSymbols)
        {
            byte[] elf = File.ReadAllBytes(libraryPath);
            var need = ReadVersionNeeds(elf).FirstOrDefault(n => n.Name == versionName);
            if (need == null) return WeakenOutcome.NotRequired;
            if (need.IsWeak) return WeakenOutcome.AlreadyWeak;
            var unexpected = SymbolsBoundTo(elf, need.Index).Where(s => !allowedSymbols.Contains(s)).ToList();
            if (unexpected.Count > 0)
                throw new ElfFormatException($"{Path.GetFileName(libraryPath)} needs {versionName} for symbols that may be called " +
                    $"({string.Join(", ", unexpected)}); marking it weak would be unsafe. Install a libstdc++ that provides {versionName}.");
            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            string temp = libraryPath + ".smoothinfo-tmp";
            File.WriteAllBytes(temp, elf);
            File.Delete(libraryPath);
            File.Move(temp, libraryPath);
            return WeakenOutcome.Weakened;
        }

        private static Section[] ReadSections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new ElfFormatException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new ElfFormatException("only 64-bit little-endian ELF files are supported");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                sections[i] = new Section(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32),
                    (int)U32(elf, h + 40), (int)U32(elf, h + 44), (long)U64(elf, h + 56));
            }
            return sections;
        }

        // Plain shifts rather than BinaryPrimitives: MSBuild compiles this file against netstandard2.0.
        private static ushort U16(byte[] b, long at) => (ushort)LittleEndian(b, at, 2);
        private static uint U32(byte[] b, long at) => (uint)LittleEndian(b, at, 4);
        private static ulong U64(byte[] b, long at) => LittleEndian(b, at, 8);

        private static ulong LittleEndian(byte[] b, long at, int length)
        {
            if (at < 0 || at + length > b.Length) throw new ElfFormatException("truncated ELF file");
            ulong value = 0;
            for (int i = length - 1; i >= 0; i--) value = (value << 8) | b[at + i];
            return value;
        }

        private static string CString(byte[] b, long at)
        {
            if (at < 0 || at >= b.Length) throw new ElfFormatException("truncated ELF string table");
            int end = Array.IndexOf(b, (byte)0, (int)at);
            if (end < 0) throw new ElfFormatException("unterminated ELF string");
            return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
        }
    }

    /// <summary>
    /// MSBuild task: weakens one GLIBCXX version requirement of a library in a build output, only when
    /// the system libstdc++ does not define that version. Never touches anything outside the output.
    /// </summary>
    public sealed class SmoothInfoLibStdCxxCompat : Microsoft.Build.Utilities.Task
    {
        private static readonly string[] DefaultSearchDirectories =
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib",
        };

        [Microsoft.Build.Framework.Required] public string Library { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string VersionName { get; set; } = "";
        public string[] AllowedSymbols { get; set; } = Array.Empty<string>();
        public string[] SearchDirectories { get; set; } = DefaultSearchDirectories;

        public override bool Execute()
        {
            if (!File.Exists(Library)) return true;
            string? system = SearchDirectories.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
            if (system == null)
            {
                Log.LogWarning($"SmoothInfo: no system libstdc++.so.6 found in {string.Join(", ", SearchDirectories)}; {Path.GetFileName(Library)} left as it is.");
                return true;
            }
            try
            {
                if (!NeedsWeakening(ElfVersionNeeds.ReadVersionDefinitions(File.ReadAllBytes(system)), VersionName))
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"SmoothInfo: {system} provides {VersionName}; nothing to do.");
                    return true;
                }
                var outcome = ElfVersionNeeds.MakeWeak(Library, VersionName, AllowedSymbols);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    $"SmoothInfo: {system} lacks {VersionName}; {Path.GetFileName(Library)} in the build output: {outcome}.");
            }
            catch (ElfFormatException e)
            {
                Log.LogError($"SmoothInfo: cannot make {Library} loadable: {e.Message}");
            }
            return !Log.HasLoggedErrors;
        }

        public static bool NeedsWeakening(ISet<string> systemDefinitions, string versionName) => !systemDefinitions.Contains(versionName);
    }
}
