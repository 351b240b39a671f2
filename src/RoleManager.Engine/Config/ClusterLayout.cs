using System.Collections.Immutable;
using RoleManager.Model;

namespace RoleManager.Config;

/// <summary>
/// What a config declares: one database (<c>database:</c>, or the default layout) or the databases of a cluster
/// (<c>databases:</c>). Each database is an ordinary <see cref="DesiredState"/> whose roles carry the same cluster-wide
/// part (attributes, memberships, passwords, <c>settings</c>) and this database's own part (grants, search_path,
/// database_settings, database_privileges), so every stage after the config works on one database as it always did.
/// </summary>
/// <param name="IsCluster">True for a <c>databases:</c> config, even with one database listed.</param>
public sealed record ClusterLayout(ImmutableArray<DesiredState> Databases, bool IsCluster)
{
    public static ClusterLayout One(DesiredState state) => new([state], false);

    /// <summary>The database named <paramref name="name"/>, or null when the layout does not declare it.</summary>
    public DesiredState? Find(string name) => Databases.FirstOrDefault(d => d.Database == name);

    /// <summary>The names of the databases, in the order the config lists them.</summary>
    public IEnumerable<string> Names => Databases.Select(d => d.Database);
}
