using System.Text.Json;
using RoleManager.Errors;

namespace RoleManager.Audit;

/// <summary>Reads a report written earlier by <c>role-manager report --format json</c>, for <c>--diff</c>.</summary>
public static class ReportFiles
{
    public static async Task<AuditReport> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string json;
        try { json = await File.ReadAllTextAsync(path, cancellationToken); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read the report '{path}': {ex.Message}");
        }
        AuditReport? report;
        try { report = JsonSerializer.Deserialize(json, AuditJson.Default.AuditReport); }
        catch (JsonException ex)
        {
            throw new ConfigException($"'{path}' is not a report written by 'role-manager report --format json' ({ex.Message}).");
        }
        if (report is null || report.FormatVersion == 0 || report.Server is null || report.Access.IsDefault || report.Roles.IsDefault || report.Schemas.IsDefault)
            throw new ConfigException($"'{path}' is not a report written by 'role-manager report --format json' (formatVersion, server, roles, schemas and access are required).");
        if (report.FormatVersion > AuditReport.CurrentFormatVersion)
            throw new ConfigException($"'{path}' has report format {report.FormatVersion}; this role-manager reads format {AuditReport.CurrentFormatVersion} or older: upgrade role-manager.");
        return report;
    }
}
