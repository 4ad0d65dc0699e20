using System.IO.Compression;
using SmoothInfo.Diagnostics;
using static TorchSharp.torch;

namespace SmoothInfo.Models.Weights;

/// <summary>
/// Reads a <c>torch.save(model.state_dict(), path)</c> file (the zip format of PyTorch 1.6 and later): a zip whose one
/// top-level folder holds data.pkl (the state_dict pickled with persistent ids for storages), data/&lt;key&gt; (each
/// storage's raw little-endian bytes), version and, since 2.1, byteorder. The pickle is read by
/// <see cref="StateDictPickle"/>, which runs no code; storages are checked against their declared sizes and every tensor
/// view against its storage before anything is copied.
/// </summary>
public static class TorchStateDictFile
{
    private const long MaxPickleBytes = 64L << 20;

    /// <summary>All tensors of the state_dict as contiguous CPU tensors of the file's dtypes, by name.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("PyTorch storages are little-endian; this reader copies them as is.");
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw Malformed(path, $"it is not a zip archive ({e.Message}); files written by torch.save before PyTorch 1.6, or with " +
                "_use_new_zipfile_serialization=False, are not read.");
        }
        using (zip)
        {
            RequireIntactEntries(path);
            var pickleEntry = Entries(path, zip).Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                .ToList() is [var single] ? single : throw Malformed(path, "the archive does not have exactly one <folder>/data.pkl.");
            string folder = pickleEntry.FullName[..^"data.pkl".Length];
            if (zip.GetEntry(folder + "constants.pkl") is not null)
                throw Malformed(path, "it is a TorchScript archive (it has constants.pkl), not a state_dict; set 'model.weightsFormat: torchscript'.");
            if (zip.GetEntry(folder + "byteorder") is { } order && ReadText(path, order) != "little")
                throw Malformed(path, $"its storages are {ReadText(path, order)}-endian; only little-endian files are read.");

            var tensors = StateDictPickle.Parse(ReadAll(path, pickleEntry, MaxPickleBytes), path);
            var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            try
            {
                foreach (var (name, pickled) in tensors)
                {
                    if (!storages.TryGetValue(pickled.Storage.Key, out var storage))
                        storages.Add(pickled.Storage.Key, storage = ReadStorage(path, zip, folder, pickled.Storage));
                    // A copy, so that views sharing a storage (tied weights, slices) become independent tensors.
                    var tensor = empty(pickled.Size, pickled.Storage.Type);
                    using (var view = storage.as_strided(pickled.Size, pickled.Stride, pickled.Offset)) tensor.copy_(view);
                    if (!result.TryAdd(name, tensor))
                    {
                        tensor.Dispose();
                        throw Malformed(path, $"'{name}' appears twice.");
                    }
                }
            }
            catch
            {
                foreach (var t in result.Values) t.Dispose();
                throw;
            }
            finally
            {
                foreach (var s in storages.Values) s.Dispose();
            }
            return result;
        }
    }

    /// <summary>
    /// Every entry's data against its CRC-32 before any is read: ZipArchive checks none, so a damaged storage would load
    /// as silently different weights. A directory the walk does not follow is left to ZipArchive, as before.
    /// </summary>
    private static void RequireIntactEntries(string path)
    {
        using var file = File.OpenHandle(path);
        if (ZipDirectory.Read(file).Entries is { } entries && ZipEntryChecksums.FirstDamaged(file, entries) is { } damaged)
            throw Malformed(path, $"the archive's entry '{damaged.Entry.Name}' is damaged: {damaged.Problem}.");
    }

    /// <summary>ZipArchive reads its central directory on first use, so a damaged one surfaces here, not when opening.</summary>
    private static IReadOnlyCollection<ZipArchiveEntry> Entries(string path, ZipArchive zip)
    {
        try
        {
            return zip.Entries;
        }
        catch (InvalidDataException e)
        {
            throw Malformed(path, $"its zip directory is damaged ({e.Message}).");
        }
    }

    private static Tensor ReadStorage(string path, ZipArchive zip, string folder, PickledStorage storage)
    {
        var entry = zip.GetEntry($"{folder}data/{storage.Key}")
            ?? throw Malformed(path, $"storage '{storage.Key}' is referenced but {folder}data/{storage.Key} is not in the archive.");
        long bytes = checked(storage.Numel * storage.ElementSize);
        if (entry.Length != bytes)
            throw Malformed(path, $"storage '{storage.Key}' declares {storage.Numel} elements of {storage.Type} ({bytes} bytes), " +
                $"but {entry.FullName} has {entry.Length} bytes (is the file truncated?).");
        var tensor = empty(storage.Numel, storage.Type);
        try
        {
            using var stream = entry.Open();
            if (bytes > 0) stream.ReadExactly(tensor.bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            tensor.Dispose();
            throw Malformed(path, $"{entry.FullName} cannot be read ({e.Message}).");
        }
        return tensor;
    }

    private static byte[] ReadAll(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit) throw Malformed(path, $"{entry.FullName} has {entry.Length} bytes, more than the {limit >> 20} MB a state_dict needs.");
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw Malformed(path, $"{entry.FullName} cannot be read ({e.Message}).");
        }
        return bytes;
    }

    private static string ReadText(string path, ZipArchiveEntry entry) => System.Text.Encoding.ASCII.GetString(ReadAll(path, entry, 64)).Trim();

    private static InputException Malformed(string path, string message) =>
        new(ErrorCodes.WeightsMalformed, $"malformed PyTorch state_dict file: {message}",
            "save the weights with torch.save(model.state_dict(), path) (PyTorch 1.6 or later), or as safetensors " +
            "(safetensors.torch.save_file(model.state_dict(), path)).", new SourceLocation(path));
}
