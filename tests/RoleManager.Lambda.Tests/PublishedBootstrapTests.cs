using RoleManager.Testing;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using RoleManager.Lambda.Events;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Logging;
using RoleManager.Lambda.Runtime;

namespace RoleManager.Lambda.Tests;

/// <summary>The real thing: the published Native AOT <c>bootstrap</c> against a loopback Runtime API.</summary>
public sealed class PublishedBootstrapTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_published_bootstrap_answers_two_events_and_reports_a_bad_one_as_an_error_then_exits_on_a_500()
    {
        var bootstrap = RepositoryFiles.PublishedBootstrap();
        await using var api = new FakeRuntimeApi();
        var start = new ProcessStartInfo(bootstrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(bootstrap)!,
        };
        start.Environment[RuntimeApiClient.EnvironmentVariable] = api.Address;
        start.Environment["AWS_LAMBDA_LOG_LEVEL"] = "DEBUG";
        // No database listens here: the two valid events fail as connection errors, the bad one as an invalid event.
        start.Environment["DB_HOST"] = "127.0.0.1";
        start.Environment["DB_PORT"] = RoleManager.Testing.PostgresServer.FreePort().ToString();
        start.Environment["DB_NAME"] = "app";
        start.Environment["DB_USER"] = "master";
        start.Environment["PGPASSWORD"] = "not-a-real-password";
        start.Environment["PGSSLMODE"] = "disable";
        start.Environment["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true";
        start.Environment["ROLE_MANAGER_AUTH"] = "none";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var plan = api.Enqueue("\"plan\"");
            var check = api.Enqueue("""{"action":"check","dryRun":true}""");
            var bad = api.Enqueue("""{"action":"deploy"}""");

            var results = new[] { await api.NextResultAsync(Wait), await api.NextResultAsync(Wait), await api.NextResultAsync(Wait) };

            Assert.Equal(
                [(RuntimeResultKind.Error, plan), (RuntimeResultKind.Error, check), (RuntimeResultKind.Error, bad)],
                results.Select(r => (r.Kind, r.RequestId)));
            Assert.All(results.Take(2), r => Assert.Equal("RoleManager.ConnectionFailed", r.ErrorTypeHeader));
            Assert.Equal(EventInvalidException.Type, results[2].ErrorTypeHeader);
            using var error = JsonDocument.Parse(results[2].Body);
            Assert.Equal(EventInvalidException.Type, error.RootElement.GetProperty("errorType").GetString());
            Assert.Contains("\"deploy\" is not an action", error.RootElement.GetProperty("errorMessage").GetString());

            api.FailNextPolls();
            Assert.True(process.WaitForExit(Wait), "bootstrap did not exit after the Runtime API answered 500");
            Assert.Equal(ExitCodes.RuntimeApiFailed, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        // Every line the function wrote is JSON; the invocations' lines carry their request ids.
        Assert.Equal(string.Empty, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Superset(
            api.Recorded.Select(r => r.RequestId).ToHashSet(),
            lines.Select(l => l.GetProperty("requestId").GetString()).Where(id => id is not null).ToHashSet());
        Assert.Equal(3, lines.Where(l => l.GetProperty("message").GetString()!.StartsWith("Invocation started", StringComparison.Ordinal))
            .Select(l => l.GetProperty("requestId").GetString()).Distinct().Count());
        Assert.Equal("FATAL", lines[^1].GetProperty("level").GetString());
    }

    [Fact]
    public void The_published_bootstrap_needs_at_most_glibc_2_34_as_on_Amazon_Linux_2023()
    {
        var glibc = RepositoryFiles.HighestRequiredGlibc(RepositoryFiles.PublishedBootstrap());

        Assert.True(glibc <= new Version(2, 34), $"bootstrap requires GLIBC_{glibc}; Amazon Linux 2023 has 2.34.");
    }

    [Fact]
    public void The_zip_holds_an_executable_bootstrap_the_CA_bundle_and_the_AWS_roots()
    {
        using var zip = ZipFile.OpenRead(RepositoryFiles.PublishedZip());

        // aws-trust/ is what the Terraform module's SSL_CERT_FILE / SSL_CERT_DIR name (/var/task/aws-trust).
        Assert.Equal(["aws-trust/aws-roots.pem", "bootstrap", "rds-ca-bundle.pem"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var mode = (zip.GetEntry("bootstrap")!.ExternalAttributes >> 16) & 0x1FF;
        Assert.Equal(Convert.ToInt32("755", 8), mode);
    }

    [Fact]
    public void The_AWS_roots_are_the_five_Amazon_Trust_Services_roots_and_nothing_else()
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(RepositoryFiles.Root, "assets", "aws-trust", "aws-roots.pem"));

        Assert.Equal(
            ["Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3", "Amazon Root CA 4", "Starfield Services Root Certificate Authority - G2"],
            certificates.Select(c => c.GetNameInfo(X509NameType.SimpleName, forIssuer: false)).Order(StringComparer.Ordinal));
        Assert.All(certificates, c =>
        {
            Assert.Equal(c.SubjectName.Name, c.IssuerName.Name);
            Assert.True(c.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        });
        // Every file in SSL_CERT_DIR is read as certificates: the folder holds this one.
        Assert.Equal(["aws-roots.pem"], Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "assets", "aws-trust")).Select(Path.GetFileName));
    }

    [Fact]
    public void The_RDS_CA_bundle_holds_only_self_signed_CA_certificates()
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(Path.Combine(RepositoryFiles.Root, "assets", "rds-ca-bundle.pem"));

        Assert.Equal(87, certificates.Count);
        Assert.All(certificates, c =>
        {
            Assert.Equal(c.SubjectName.Name, c.IssuerName.Name);
            Assert.StartsWith("Amazon RDS ", c.GetNameInfo(X509NameType.SimpleName, forIssuer: false), StringComparison.Ordinal);
            Assert.True(c.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        });
    }

    [Fact]
    public async Task The_loop_in_process_talks_to_the_loopback_runtime_api()
    {
        await using var api = new FakeRuntimeApi();
        using var logs = new TestLogs();
        using var client = new RuntimeApiClient(api.Address);
        var server = await RoleManager.Testing.PostgresServer.Shared;
        string database = await server.CreateDatabaseAsync("loop");
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = server.Port.ToString(), ["PGUSER"] = RoleManager.Testing.PostgresServer.MasterUser,
            ["PGPASSWORD"] = server.MasterPassword, ["PGDATABASE"] = database, ["PGSSLMODE"] = "disable",
            ["ROLE_MANAGER_ALLOW_INSECURE_TLS"] = "true", ["ROLE_MANAGER_ALLOW_EVENT_CONFIG"] = "true",
        };
        var handler = RoleManagerFunction.Create(new HostServices(logs.Provider, logs.Redactor, TimeProvider.System), name => env.GetValueOrDefault(name));
        var loop = new LambdaLoop(client, handler, logs.Logger, TimeProvider.System).RunAsync(CancellationToken.None);

        var good = api.Enqueue($$$"""{"action":"manage","dryRun":true,"config":{"database":"{{{database}}}","roles":[{"name":"loop_role_{{{database}}}","auth":"none"}]}}""");
        var bad = api.Enqueue("17");
        var first = await api.NextResultAsync(Wait);
        var second = await api.NextResultAsync(Wait);
        api.FailNextPolls();

        Assert.Equal(ExitCodes.RuntimeApiFailed, await loop.WaitAsync(Wait));
        Assert.Equal((RuntimeResultKind.Response, good), (first.Kind, first.RequestId));
        Assert.Equal((RuntimeResultKind.Error, bad), (second.Kind, second.RequestId));
        Assert.Equal(EventInvalidException.Type, second.ErrorTypeHeader);
        Assert.Contains("The event is a number.", second.Body);
    }
}
