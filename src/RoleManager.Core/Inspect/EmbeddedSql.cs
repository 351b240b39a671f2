namespace RoleManager.Inspect;

/// <summary>
/// Loads a catalog query shipped as an embedded <c>.sql</c> resource: <c>&lt;Folder&gt;/Queries/&lt;name&gt;.sql</c> of
/// this project, filed by the project file as <c>RoleManager.&lt;Folder&gt;.Queries.&lt;name&gt;.sql</c> (Inspect, Check, Audit).
/// </summary>
internal static class EmbeddedSql
{
    public static string Load(string name) => Load("Inspect", name);

    public static string Load(string folder, string name)
    {
        string resource = $"RoleManager.{folder}.Queries.{name}.sql";
        using var stream = typeof(EmbeddedSql).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded query {resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
