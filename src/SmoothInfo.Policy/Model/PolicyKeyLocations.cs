using SmoothInfo.Diagnostics;

namespace SmoothInfo.Policy.Model;

/// <summary>
/// Where each key the user wrote sits in the policy file, so an error found after loading (a learning rate the
/// kernel shows too large, a device this machine lacks, a missing baseline key) points at the key the way a loading
/// error does.
/// </summary>
public sealed class PolicyKeyLocations
{
    private readonly string _policyFile;
    private readonly IReadOnlyDictionary<string, SourceLocation> _written;

    /// <param name="written">Dotted key (training.learningRate) to the position of its value.</param>
    public PolicyKeyLocations(string policyFile, IReadOnlyDictionary<string, SourceLocation> written)
    {
        _policyFile = policyFile;
        _written = written;
    }

    /// <summary>No key positions known: every key locates to the file.</summary>
    public static PolicyKeyLocations None(string policyFile) => new(policyFile, new Dictionary<string, SourceLocation>());

    /// <summary>Whether the user wrote the key (rather than leaving it to its default).</summary>
    public bool IsWritten(string dottedKey) => dottedKey.Length > 0 && _written.ContainsKey(dottedKey);

    /// <summary>
    /// The key's value; when the key was left out, the nearest section written around it (the policy's first key for a
    /// top-level key); without positions, the file.
    /// </summary>
    public SourceLocation Of(string dottedKey)
    {
        for (string key = dottedKey; ; key = key.Contains('.') ? key[..key.LastIndexOf('.')] : "")
        {
            if (_written.TryGetValue(key, out var location)) return location;
            if (key.Length == 0) return new SourceLocation(_policyFile);
        }
    }
}
