namespace RoleManager.Evidence;

/// <summary>Where evidence is kept: an S3 bucket and prefix (RoleManager.Aws) or a local folder (<see cref="DirectoryEvidenceStore"/>).</summary>
public interface IEvidenceStore
{
    /// <summary>Where an object of this store is, for people: <c>s3://bucket/key</c> or a file path.</summary>
    string Describe(string name);

    /// <summary>The key (prefix included) of an object named <paramref name="name"/> relative to the prefix.</summary>
    string Key(string name);

    /// <summary>The newest object under <paramref name="folder"/> (relative to the prefix), or null when there is none.</summary>
    Task<StoredEvidence?> ReadLatestAsync(string folder, CancellationToken cancellationToken);

    /// <summary>Writes one object (encrypted at rest where the store can); the name is relative to the prefix.</summary>
    Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}

/// <param name="Key">The object's key, prefix included.</param>
public sealed record StoredEvidence(string Key, byte[] Content);
