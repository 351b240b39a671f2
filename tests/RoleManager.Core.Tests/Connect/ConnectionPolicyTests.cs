using RoleManager.Connect;
using RoleManager.Errors;

namespace RoleManager.Core.Tests;

public class ConnectionPolicyTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("disable", TlsMode.Disable)]
    [InlineData("allow", TlsMode.Allow)]
    [InlineData("prefer", TlsMode.Prefer)]
    [InlineData("require", TlsMode.Require)]
    [InlineData("verify-ca", TlsMode.VerifyCA)]
    [InlineData("verify-full", TlsMode.VerifyFull)]
    [InlineData("VERIFY-FULL", TlsMode.VerifyFull)]
    public void Each_libpq_sslmode_keeps_its_own_meaning(string sslMode, TlsMode expected)
    {
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(SslMode: sslMode), Env());
        Assert.Equal(expected, settings.Tls);
    }

    [Fact]
    public void Require_with_a_root_certificate_given_verifies_the_chain_as_libpq_does()
    {
        string bundle = Path.GetTempFileName();
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(SslMode: "require", SslRootCert: bundle), Env());
        Assert.Equal(TlsMode.VerifyCA, settings.Tls);
        Assert.Equal(bundle, settings.RootCertificatePath);
    }

    [Fact]
    public void An_unknown_sslmode_is_a_config_error_listing_the_six_modes()
    {
        var error = Assert.Throws<ConfigException>(() => ConnectionResolver.Resolve(new ConnectionInputs(SslMode: "yes"), Env()));
        Assert.Contains("verify-ca, require, prefer, allow or disable", error.Message);
    }

    /// <summary>
    /// Issue 29: the target resolver re-ran this resolver twice with a doctored environment to learn whether a value was
    /// given; the one resolution now says where each value came from.
    /// </summary>
    [Theory]
    [InlineData("--dbname", null, null, ValueSource.Explicit)]
    [InlineData(null, "postgresql://u@h/fromstring", null, ValueSource.ConnectionString)]
    [InlineData(null, null, "PGDATABASE", ValueSource.Variable)]
    [InlineData(null, null, "DB_NAME", ValueSource.Variable)]
    [InlineData(null, null, null, ValueSource.Default)]
    public void One_resolution_says_which_level_gave_the_database_and_the_username(string? flag, string? connectionString, string? variable, ValueSource expected)
    {
        var inputs = new ConnectionInputs(ConnectionString: connectionString, Database: flag is null ? null : "fromflag", Username: flag is null ? null : "flaguser");
        var environment = variable is null ? Env() : Env((variable, "fromvariable"), (variable == "PGDATABASE" ? "PGUSER" : "DB_USER", "variableuser"));
        var settings = ConnectionResolver.Resolve(inputs, environment);
        Assert.Equal(expected, settings.DatabaseSource);
        Assert.Equal(expected, settings.UsernameSource);
    }

    [Fact]
    public void In_the_cli_the_pg_variables_win_over_the_db_variables_as_in_libpq()
    {
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), Env(("PGHOST", "pg-host"), ("DB_HOST", "db-host"), ("PGUSER", "pg-user"), ("DB_USER", "db-user")));
        Assert.Equal(("pg-host", "pg-user"), (settings.Host, settings.Username));
    }

    [Fact]
    public void In_the_lambda_the_modules_db_variables_win_over_pghost_pguser_pgport_and_pgdatabase()
    {
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), Env(
            ("PGHOST", "attacker.example"), ("DB_HOST", "db.internal"), ("PGUSER", "intruder"), ("DB_USER", "master"),
            ("PGPORT", "6543"), ("DB_PORT", "5432"), ("PGDATABASE", "other"), ("DB_NAME", "appdb")), host: HostKind.Lambda);
        Assert.Equal(("db.internal", 5432, "master", "appdb"), (settings.Host, settings.Port, settings.Username, settings.Database));
        Assert.Null(settings.TlsWarning);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("allow")]
    [InlineData("prefer")]
    [InlineData("require")]
    [InlineData("verify-ca")]
    public void In_the_lambda_pgsslmode_below_verify_full_is_refused_without_the_opt_in(string sslMode)
    {
        var error = Assert.Throws<ConfigException>(() =>
            ConnectionResolver.Resolve(new ConnectionInputs(), Env(("DB_HOST", "db"), ("PGSSLMODE", sslMode)), host: HostKind.Lambda));
        Assert.Contains(ConnectionResolver.AllowInsecureTlsVariable, error.Message);
        Assert.Contains("PGSSLROOTCERT", error.Message);
    }

    [Fact]
    public void In_the_lambda_the_opt_in_allows_a_weaker_mode_with_a_warning_to_log()
    {
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(),
            Env(("DB_HOST", "db"), ("PGSSLMODE", "disable"), (ConnectionResolver.AllowInsecureTlsVariable, "true")), host: HostKind.Lambda);
        Assert.Equal(TlsMode.Disable, settings.Tls);
        Assert.Contains("plaintext", settings.TlsWarning);
    }

    [Fact]
    public void In_the_lambda_pgsslrootcert_points_verify_full_at_another_ca_bundle()
    {
        string bundle = Path.GetTempFileName();
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), Env(("DB_HOST", "db"), ("PGSSLROOTCERT", bundle)), host: HostKind.Lambda);
        Assert.Equal((TlsMode.VerifyFull, bundle), (settings.Tls, settings.RootCertificatePath));
        Assert.Null(settings.TlsWarning);
    }

    [Fact]
    public void Without_a_root_certificate_given_verify_full_trusts_the_rds_bundle_built_into_the_program()
    {
        // The test host has no rds-ca-bundle.pem beside it, as a .NET tool or a plain build has none.
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, ConnectionResolver.CaBundleFileName)));

        var settings = ConnectionResolver.Resolve(new ConnectionInputs(), Env(("PGHOST", "db")));

        Assert.Equal((TlsMode.VerifyFull, ConnectionResolver.BuiltInBundle), (settings.Tls, settings.RootCertificatePath));
    }

    [Fact]
    public void The_built_in_bundle_holds_exactly_the_certificates_of_the_rds_bundle_file()
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "RoleManager.sln"))) repository = repository.Parent!;
        var file = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        file.ImportFromPemFile(Path.Combine(repository.FullName, "assets", ConnectionResolver.CaBundleFileName));
        var roots = file.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToList();

        var builtIn = TrustBundle.For(ConnectionResolver.BuiltInBundle);

        Assert.Equal(file.Count, builtIn.Count);
        // Each root of the file is found in the built-in bundle by its name, and is the same certificate.
        Assert.NotEmpty(roots);
        Assert.Equal(roots.Select(c => c.Thumbprint).Order(), builtIn.CasFor(roots).Select(c => c.Thumbprint).Order());
    }

    [Fact]
    public void Sslrootcert_system_is_the_machines_ca_store_with_verify_full_as_in_libpq()
    {
        var settings = ConnectionResolver.Resolve(new ConnectionInputs(SslRootCert: "system"), Env());
        Assert.Equal(TlsMode.VerifyFull, settings.Tls);
        Assert.Equal(ConnectionResolver.SystemStore, settings.RootCertificatePath);

        var error = Assert.Throws<ConfigException>(() => ConnectionResolver.Resolve(new ConnectionInputs(SslMode: "verify-ca", SslRootCert: "system"), Env()));
        Assert.Contains("sslrootcert=system (the machine's CA store) needs sslmode verify-full", error.Message);
    }
}
