using System.Collections.Immutable;
using Npgsql;
using RoleManager.Model;

namespace RoleManager.Inspect;

/// <summary>The names that bound what is read: declared roles and the schemas to manage (public included).</summary>
public sealed record InspectionScope(ImmutableArray<string> Roles, ImmutableArray<string> Schemas)
{
    public static InspectionScope For(DesiredState desired) => new(
        desired.Roles.Select(r => r.Name).ToImmutableArray(),
        desired.Schemas.Select(s => s.Name).Append("public").Distinct().ToImmutableArray());
}

/// <summary>Reads the current state of the managed scope from the live catalog.</summary>
public interface ICatalogInspector
{
    Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken);
}
