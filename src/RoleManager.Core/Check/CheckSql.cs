using RoleManager.Inspect;

namespace RoleManager.Check;

/// <summary>
/// The check's catalog queries, shipped as embedded <c>Check/Queries/*.sql</c> files (each with its version notes) and
/// loaded by the one loader of embedded queries (<see cref="EmbeddedSql"/>). The probes' own statements (CREATE, SET ROLE, …) are built
/// in the checker: they name generated probe objects.
/// </summary>
internal static class CheckSql
{
    public static readonly string EffectivePrivileges = Load("effective_privileges");
    public static readonly string Memberships = Load("memberships");
    public static readonly string PublicConnect = Load("public_connect");
    public static readonly string RoleConnect = Load("role_connect");
    public static readonly string ExistingRoles = Load("existing_roles");
    public static readonly string ExistingSchemas = Load("existing_schemas");
    public static readonly string NotActingAs = Load("not_acting_as");
    public static readonly string CannotActAs = Load("cannot_act_as");

    private static string Load(string name) => EmbeddedSql.Load("Check", name);
}
