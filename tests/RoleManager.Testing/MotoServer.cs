using System.Diagnostics;
using System.Net;
using System.Text;

namespace RoleManager.Testing;

/// <summary>
/// A real <c>moto_server</c> (AWS service emulator) on 127.0.0.1 and a free port, for one test class
/// or collection (<c>IClassFixture&lt;MotoServer&gt;</c>). Point clients at <see cref="Endpoint"/> with
/// dummy credentials (<see cref="Environment"/>). The process tree is killed on dispose.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string SessionToken = "testing";
    public const string DefaultRegion = "us-east-1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Starts a plain moto_server (xunit fixtures need this one public constructor).</summary>
    public MotoServer() : this(null)
    {
    }

    private MotoServer(IReadOnlyDictionary<string, string>? environment)
    {
        var port = PostgresServer.FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        if (!Watchdog.OnPath("moto_server"))
            throw new InvalidOperationException("moto_server is not on PATH: run pip install 'moto[server]' (or bin/install-test-tools)");
        // Under the watchdog: moto dies with the test process even if that is killed before Dispose.
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Watchdog.ShellArguments("moto_server").Concat(["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("moto_server is not on PATH: run pip install 'moto[server]'", e);
        }
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = Endpoint, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            WaitUntilAnswering();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Starts moto_server with extra variables, e.g. <c>INITIAL_NO_AUTH_ACTION_COUNT</c> to turn on IAM checks.</summary>
    public static MotoServer Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>A client whose base address is <see cref="Endpoint"/>, for the <c>/moto-api</c> calls.</summary>
    public HttpClient Http { get; }

    /// <summary>Variables for an AWS client or CLI process aimed at this server with dummy credentials.</summary>
    public IReadOnlyDictionary<string, string> AwsVariables(string region = DefaultRegion) => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = SessionToken,
        ["AWS_REGION"] = region,
        ["AWS_DEFAULT_REGION"] = region,
        ["AWS_ENDPOINT_URL"] = Endpoint.ToString().TrimEnd('/'),
    };

    /// <summary>POST <c>/moto-api/config</c>, e.g. <c>{"batch": {"use_docker": false}}</c>.</summary>
    public Task ConfigureAsync(string json, CancellationToken cancellationToken = default)
        => PostAsync("/moto-api/config", new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>POST <c>/moto-api/reset</c>: forget every resource in every service.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default)
        => PostAsync("/moto-api/reset", null, cancellationToken);

    /// <summary>What moto_server printed so far, for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public void Dispose()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private async Task PostAsync(string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsync(path, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"moto_server {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private void WaitUntilAnswering()
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before answering:\n{Output}");
            try
            {
                using var response = probe.GetAsync(new Uri(Endpoint, "/moto-api/data.json")).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"moto_server did not answer on {Endpoint} within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            if (_output.Length < 64 * 1024)
                _output.AppendLine(line);
        }
    }
}
