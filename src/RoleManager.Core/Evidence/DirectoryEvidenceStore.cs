using RoleManager.Errors;

namespace RoleManager.Evidence;

/// <summary>
/// Evidence in a local folder (<c>--evidence DIR</c>), laid out like the bucket: <c>DIR/&lt;database&gt;/&lt;time&gt;-&lt;action&gt;-&lt;id&gt;.json</c>.
/// A file is written under a temporary name and renamed, so a reader never sees half an object.
/// </summary>
public sealed class DirectoryEvidenceStore(string directory) : IEvidenceStore
{
    public string Describe(string name) => Key(name);

    public string Key(string name) => Path.Combine(directory, name);

    public async Task<StoredEvidence?> ReadLatestAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, folder);
        try
        {
            if (!Directory.Exists(path)) return null;
            var newest = Directory.EnumerateFiles(path, "*.json").Max(StringComparer.Ordinal);
            return newest is null ? null : new StoredEvidence(newest, await File.ReadAllBytesAsync(newest, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException($"cannot read the previous evidence in '{path}': {e.Message}. Check the folder's permissions, or give --evidence another folder.", e);
        }
    }

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = Key(name);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(temporary, content, cancellationToken);
            File.Move(temporary, path, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new EvidenceException($"cannot write the evidence '{path}': {e.Message}. Check that the folder is writable, or give --evidence another folder.", e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the write error is the one to report */ }
    }
}
