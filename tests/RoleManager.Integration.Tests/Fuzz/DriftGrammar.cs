using RoleManager.Sql;

namespace RoleManager.Integration.Tests.Fuzz;

/// <summary>One statement kind: a name (shown in repros), a weight, and a generator (seeded, deterministic).</summary>
public sealed record GrammarKind(string Name, int Weight, Func<GrammarContext, FuzzStatement> Make);

/// <summary>
/// The grammar of plain SQL a seed's starting state is built from: grants and revokes with and without grant option,
/// column grants, memberships with options, ownership changes, default privileges in and out of schemas, role and
/// per-database settings, role attributes and passwords, extensions, objects of every kind made by every kind of role,
/// and PUBLIC. Every kind is written as a DBA or a migration would, with no knowledge of what the tool fixes.
/// Statements run as the superuser, the master, the declared roles and undeclared ones; many fail (a revoke by a
/// non-grantor, a grant on another role's table): the fuzzer records and skips those.
/// </summary>
public static class DriftGrammar
{
    public static readonly IReadOnlyList<GrammarKind> Kinds = [.. GrammarObjects.Kinds, .. GrammarGrants.Kinds, .. GrammarRoles.Kinds];

    /// <summary>The statements of one seed after the setup: 8 to 20 of them, each kind drawn by weight.</summary>
    public static IEnumerable<FuzzStatement> Statements(int seed, FuzzModel model)
    {
        var context = new GrammarContext(new Random(seed), model);
        int count = context.Random.Next(8, 21);
        int total = Kinds.Sum(k => k.Weight);
        for (int i = 0; i < count; i++)
        {
            int pick = context.Random.Next(total);
            var kind = Kinds.First(k => (pick -= k.Weight) < 0);
            yield return kind.Make(context); // the caller runs it (and updates the model) before the next is drawn
        }
    }
}

/// <summary>The random source and the model a generator draws from, with the picks every kind shares.</summary>
public sealed class GrammarContext(Random random, FuzzModel model)
{
    public Random Random { get; } = random;
    public FuzzModel Model { get; } = model;
    public int Version => Model.VersionNum;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>Who runs a statement: the superuser seldom (what it leaves may need a superuser again), the rest often.</summary>
    public string Actor() => Random.Next(100) switch
    {
        < 12 => FuzzRoles.Superuser,
        < 32 => FuzzRoles.Master,
        < 57 => FuzzRoles.Migrator,
        < 72 => FuzzRoles.App,
        < 82 => FuzzRoles.Reporting,
        _ => FuzzRoles.Other,
    };

    /// <summary>Half the time the object's owner (so grants on it succeed), else anyone.</summary>
    public string ActorFor(FuzzObject obj) => Chance(0.5) ? obj.Owner : Actor();

    /// <summary>Any role but the superuser, as a grantee, new owner or member; the master only where <paramref name="master"/>.</summary>
    public string Role(bool master = true)
    {
        var roles = new List<string>(FuzzRoles.Declared) { FuzzRoles.Other, FuzzRoles.Group };
        if (master) roles.Add(FuzzRoles.Master);
        roles.AddRange(Model.ExtraRoles);
        return Pick(roles);
    }

    /// <summary>A grantee: mostly a declared role, else an undeclared one or PUBLIC.</summary>
    public string Grantee() => Random.Next(10) switch
    {
        < 5 => Pick(FuzzRoles.Declared),
        < 7 => "PUBLIC",
        _ => Role(),
    };

    /// <summary>A schema to make objects in: mostly a managed one.</summary>
    public string Schema() => Chance(0.8) ? Pick(FuzzRoles.ManagedSchemas) : Pick(Model.Schemas);

    public FuzzObject? Object(Func<FuzzObject, bool> where)
    {
        var candidates = Model.Objects.Where(where).ToList();
        return candidates.Count == 0 ? null : Pick(candidates);
    }

    /// <summary>A non-empty random subset, in a fixed order.</summary>
    public string Subset(IReadOnlyList<string> all)
    {
        var chosen = all.Where(_ => Chance(0.4)).ToList();
        return chosen.Count == 0 ? Pick(all) : string.Join(", ", chosen);
    }

    public string[] TablePrivileges => Version >= 170000
        ? ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"]
        : ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];

    public static readonly string[] SequencePrivileges = ["USAGE", "SELECT", "UPDATE"];

    public string GrantOption() => Chance(0.3) ? " WITH GRANT OPTION" : "";

    public static string Q(string identifier) => Ident.Quote(identifier);

    /// <summary>A new name: mostly plain, sometimes one that needs quoting (case, space, quote).</summary>
    public string NewName(string stem)
    {
        string name = Model.NextName(stem);
        return Random.Next(10) switch
        {
            0 => "Mixed " + name,
            1 => name + "\"q",
            _ => name,
        };
    }

    /// <summary>A statement that does nothing where the grammar finds nothing to act on (an empty model early on).</summary>
    public static FuzzStatement Nothing(string kind) => new(kind, FuzzRoles.Superuser, "SELECT 1");
}
