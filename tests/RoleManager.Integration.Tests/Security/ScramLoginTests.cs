using System.Diagnostics;
using RoleManager.Config;
using RoleManager.Errors;
using RoleManager.Model;
using RoleManager.Testing;

namespace RoleManager.Integration.Tests.Security;

/// <summary>The verifier RoleManager stores must let libpq log in with the same password, as PostgreSQL's own PASSWORD would.</summary>
public class ScramLoginTests
{
    private static DesiredState Layout(TestDatabase db, string appPassword) => DefaultLayout.Build(new DefaultLayoutOptions(
        db.Name, "app", db.App, db.Migrator, AuthMode.Password, AppPassword: new Secret(appPassword), MigratorPassword: new Secret(TestDatabase.Password(db.Migrator))));

    [Theory]
    [InlineData("plain-ascii-0123456789")]
    [InlineData("sp ace\"quote'back\\slash$dollar:colon;semi%pct@at")]
    public async Task Psql_logs_in_with_the_password_whose_verifier_role_manager_stored(string password)
    {
        var db = await TestDatabase.CreateAsync();
        await db.ApplyAsync(Layout(db, password));

        var (exit, output) = await PsqlAsync(db, db.App, password, "SELECT current_user");
        Assert.True(exit == 0, output);
        Assert.Equal(db.App, output.Trim());
        var (wrongExit, _) = await PsqlAsync(db, db.App, password + "x", "SELECT 1");
        Assert.NotEqual(0, wrongExit);
    }

    [Fact]
    public async Task A_non_ascii_password_is_refused_before_any_change()
    {
        var db = await TestDatabase.CreateAsync();
        string before = await db.SnapshotAsync();

        var error = await Assert.ThrowsAsync<ConfigException>(() => db.ApplyAsync(Layout(db, "pässwort-ü")));

        Assert.Contains("ASCII", error.Message);
        Assert.Equal(before, await db.SnapshotAsync());
    }

    private static async Task<(int Exit, string Output)> PsqlAsync(TestDatabase db, string user, string password, string sql)
    {
        string bin = PostgresServer.FindBinaries(Environment.GetEnvironmentVariable("PG_BIN"));
        // The npm server packages of other majors ship no psql: then any libpq psql on the machine (Debian's) is as good.
        string psql = File.Exists(Path.Combine(bin, "psql")) ? Path.Combine(bin, "psql") : "psql";
        var start = new ProcessStartInfo(psql,
            ["-X", "-A", "-t", "-w", "-h", "127.0.0.1", "-p", db.Server.Port.ToString(), "-U", user, "-d", db.Name, "-c", sql])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["PGPASSWORD"] = password;
        start.Environment["PGSSLMODE"] = "disable";
        if (psql != "psql" && PostgresServer.FindLibraries(bin) is { } lib) start.Environment["LD_LIBRARY_PATH"] = lib;
        using var process = Process.Start(start)!;
        string stdout = await process.StandardOutput.ReadToEndAsync(), stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, process.ExitCode == 0 ? stdout : stderr);
    }
}
