using System.Buffers.Binary;
using System.IO.Compression;

namespace FashionClassifier;

/// <summary>Reads 8-bit greyscale, non-interlaced PNG files (the format of data/train) into pixels in [0, 255].</summary>
public static class GreyPng
{
    public static float[] Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int width = 0, height = 0;
        using var compressed = new MemoryStream();
        for (int at = 8; at < file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[9] != 0 || data[12] != 0)
                    throw new InvalidDataException($"{path}: only 8-bit greyscale, non-interlaced PNG is supported.");
            }
            else if (type == "IDAT") compressed.Write(data);
            at += 12 + length;
        }
        compressed.Position = 0;
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var raw = new byte[height * (width + 1)];
        zlib.ReadExactly(raw);
        var pixels = new byte[height * width];
        for (int row = 0; row < height; row++)
        {
            byte filter = raw[row * (width + 1)];
            for (int col = 0; col < width; col++)
            {
                int left = col > 0 ? pixels[row * width + col - 1] : 0;
                int up = row > 0 ? pixels[(row - 1) * width + col] : 0;
                int upLeft = row > 0 && col > 0 ? pixels[(row - 1) * width + col - 1] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"{path}: unknown PNG filter {filter}."),
                };
                pixels[row * width + col] = (byte)(raw[row * (width + 1) + 1 + col] + predictor);
            }
        }
        return pixels.Select(p => (float)p).ToArray();
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
