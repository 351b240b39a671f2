using System.Collections.Immutable;
using Npgsql;
using RoleManager.Execute;
using RoleManager.Model;

namespace RoleManager.Inspect;

/// <summary>
/// The names that bound what is read: declared roles and the schemas to manage (public included), and for each schema
/// its declared owner (<see cref="SchemaOwners"/>, parallel to <see cref="Schemas"/>; empty for an undeclared
/// <c>public</c>). The owners only spare the inspector work: whether a sequence belongs to a table column is read
/// only where an object's owner differs from its schema's declared owner, the one place the planner asks.
/// </summary>
public sealed record InspectionScope(ImmutableArray<string> Roles, ImmutableArray<string> Schemas)
{
    public ImmutableArray<string> SchemaOwners { get; init; } = Schemas.Select(_ => "").ToImmutableArray();

    /// <summary>
    /// False: <see cref="CurrentState.Objects"/> holds one representative per group of objects sharing schema, kind,
    /// owner and ACL, without names (<see cref="CurrentState.ObjectsSummarised"/>); enough to tell whether the plan is
    /// empty, read with <see cref="ICatalogInspector.ReadObjectsAsync"/> when it is not.
    /// </summary>
    public bool ObjectNames { get; init; } = true;

    /// <summary>The declared roles marked <c>drop: true</c>: what they own is read (<c>7_owned.sql</c>) only when there are any.</summary>
    public ImmutableArray<string> Retiring { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>
    /// A cluster run's first database: the databases of the run and every role any of them declares, whose roles and
    /// master's facts this inspection reads for all of them (<see cref="CurrentState.ClusterRead"/>). Empty otherwise.
    /// </summary>
    public ImmutableArray<string> ClusterDatabases { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>
    /// Every role any database of a cluster run declares: what the first database reads the roles for, and what every
    /// database's digest of the role state covers (the same in all of them, so that the digests compare).
    /// </summary>
    public ImmutableArray<string> ClusterRoles { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>
    /// The other databases of a cluster run: the first one's read, used when this database's digest of the role state is
    /// the same (<see cref="ClusterRoleRead.For"/>); the roles and master's facts are read here when it is not.
    /// </summary>
    public ClusterRoleRead? SharedRead { get; init; }

    public static InspectionScope For(DesiredState desired)
    {
        var owners = desired.Schemas.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Owner, StringComparer.Ordinal);
        var schemas = desired.Schemas.Select(s => s.Name).Append("public").Distinct().ToImmutableArray();
        return new(desired.Roles.Select(r => r.Name).ToImmutableArray(), schemas)
        {
            SchemaOwners = schemas.Select(s => owners.GetValueOrDefault(s, "")).ToImmutableArray(),
            Retiring = desired.Roles.Where(r => r.Drop).Select(r => r.Name).ToImmutableArray(),
        };
    }
}

/// <summary>Reads the current state of the managed scope from the live catalog.</summary>
public interface ICatalogInspector
{
    Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// Inspects with <paramref name="prelude"/>'s statements sent first in the same batch (a transaction's timeouts and
    /// lock: one round trip for all of it); their result sets are skipped with <see cref="BatchPrelude.SkipAsync"/>.
    /// </summary>
    Task<CurrentState> InspectAsync(NpgsqlConnection connection, InspectionScope scope, BatchPrelude prelude, CancellationToken cancellationToken);

    /// <summary>Every object of the managed schemas, with its name: what a summarised inspection left out.</summary>
    Task<ImmutableArray<DbObject>> ReadObjectsAsync(NpgsqlConnection connection, InspectionScope scope, CancellationToken cancellationToken);
}
