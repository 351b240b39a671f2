namespace RoleManager.Inspect;

/// <summary>Loads a catalog query shipped as an embedded <c>.sql</c> resource.</summary>
internal static class EmbeddedSql
{
    public static string Load(string name)
    {
        string resource = $"RoleManager.Inspect.Queries.{name}.sql";
        using var stream = typeof(EmbeddedSql).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded query {resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
