using RoleManager.Connect;
using RoleManager.Model;

namespace RoleManager.UseCases;

/// <summary>The desired state and where to apply it, resolved and validated before anything is contacted.</summary>
/// <param name="UsernameNamed">True when a flag, the connection string or a variable named the master user (then the secret's username is not used).</param>
public sealed record ResolvedTarget(DesiredState Desired, ConnectionSettings Connection, bool UsernameNamed);

/// <summary>The databases a run covers: one (a one-database layout, or one database chosen from a cluster config) or several.</summary>
/// <param name="IsCluster">True when the layout is a cluster config (<c>databases:</c>), even when one database was chosen.</param>
public sealed record ResolvedTargets(IReadOnlyList<ResolvedTarget> Targets, bool IsCluster);
