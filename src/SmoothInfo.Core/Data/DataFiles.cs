using SmoothInfo.Diagnostics;

namespace SmoothInfo.Data;

/// <summary>Opening a user's data file or folder, with a missing or unreadable one reported as an input error.</summary>
public static class DataFiles
{
    public static FileStream OpenRead(string path, int bufferSize = 1 << 20)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Unreadable(path, e);
        }
    }

    public static byte[] ReadAllBytes(string path)
    {
        using var stream = OpenRead(path);
        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (IOException e)
        {
            throw Unreadable(path, e);
        }
    }

    public static void RequireDirectory(string path)
    {
        if (!Directory.Exists(path))
            throw new InputException(ErrorCodes.FileNotFound, "the folder does not exist.",
                "check the path (in a policy, paths are relative to the policy file).", new SourceLocation(path));
    }

    public static InputException NotFound(string path) => new(ErrorCodes.FileNotFound, "the file does not exist.",
        "check the path (in a policy, paths are relative to the policy file).", new SourceLocation(path));

    public static InputException Unreadable(string path, Exception e) => new(ErrorCodes.FileNotFound,
        $"the file cannot be read: {e.Message}", "check that it exists and that its permissions allow reading.", new SourceLocation(path));
}
