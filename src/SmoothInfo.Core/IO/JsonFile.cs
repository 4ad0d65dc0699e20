using System.Text.Encodings.Web;
using System.Text.Json;

namespace SmoothInfo.IO;

/// <summary>Writes JSON files atomically, indented, with readable escaping and numbers in shortest round-trip form.</summary>
public static class JsonFile
{
    public static void Write(string path, Action<Utf8JsonWriter> write) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            write(json);
        });

    /// <summary>
    /// Hands what the writer holds to the file once it passes 1 MiB. A Utf8JsonWriter on a stream keeps everything in its
    /// own buffer until flushed: a million samples' report (about 900 MB) was held whole, most of the gate's peak memory.
    /// Writers call it after each sample.
    /// </summary>
    public static void FlushWhenFull(this Utf8JsonWriter json)
    {
        if (json.BytesPending > 1 << 20) json.Flush();
    }

    /// <summary>JSON has no infinity: a robust z-score of a constant dataset is written as null.</summary>
    public static void NumberOrNull(this Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value); else json.WriteNull(name);
    }
}
