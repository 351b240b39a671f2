using Npgsql;
using RoleManager.Model;

namespace RoleManager.Check;

/// <summary>
/// Asserts each declared membership with its options as the server holds it (<c>pg_auth_members</c>, an option counted
/// when any of the membership's rows, one per grantor from 16, has it): ADMIN on every major, INHERIT and SET from 16.
/// The connected master's own memberships are what the tool runs on and are never changed, so they are not asserted.
/// </summary>
internal static class MembershipProbe
{

    public static async Task CheckAsync(NpgsqlConnection connection, IReadOnlyList<RoleSpec> present, int version, List<Assertion> assertions, CancellationToken cancellationToken)
    {
        var pairs = present.SelectMany(r => r.MemberOf.Select(g => (Member: r, Group: g))).ToList();
        if (pairs.Count == 0) return;
        await using var command = new NpgsqlCommand(CheckSql.Memberships, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = pairs.Select(p => p.Member.Name).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = pairs.Select(p => p.Group).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string member = reader.GetString(0), group = reader.GetString(1);
            var wanted = present.First(r => r.Name == member).OptionsIn(group);
            bool exists = reader.GetInt32(2) > 0;
            var held = new MembershipOptions(reader.GetBoolean(4), reader.GetBoolean(5), reader.GetBoolean(3));
            // Before 16 INHERIT and SET are not options of a membership: only ADMIN is asserted there.
            bool same = exists && (version >= 160000 ? held == wanted : held.Admin == wanted.Admin);
            string name = version >= 160000 ? $"is a member of {group} with {wanted}" : $"is a member of {group} with ADMIN {(wanted.Admin ? "TRUE" : "FALSE")}";
            assertions.Add(new(member, name, same,
                !exists ? $"{member} is not a member of {group}: run apply"
                : same ? "as declared"
                : $"the server holds {(version >= 160000 ? held.ToString() : $"ADMIN {(held.Admin ? "TRUE" : "FALSE")}")}: plan shows the fix"));
        }
    }
}
