using System.Diagnostics;

namespace RoleManager.Testing;

/// <summary>
/// Runs a server under a small shell that kills it when the test process is gone, so a test host killed
/// before its clean-up runs never leaves a server behind. (/proc, not kill -0: the shell may run as
/// another user, e.g. postgres, which may not signal the test process.)
/// </summary>
public static class Watchdog
{
    public const string Script = "watch=$1; leftover=$2; shift 2; \"$@\" & child=$!; " +
        "while [ -d /proc/$watch ] && kill -0 $child 2>/dev/null; do sleep 1; done; kill -9 $child 2>/dev/null; wait $child; " +
        "if [ -n \"$leftover\" ] && [ ! -d /proc/$watch ]; then rm -rf \"$leftover\"; fi";

    /// <summary>
    /// The arguments of <c>sh</c> that run <paramref name="program"/> under the watchdog (append its arguments). With
    /// <paramref name="removeWhenGone"/>, the watchdog also deletes that folder (a server's data) once the test process is
    /// gone: a test host ended without its clean-up (the runner kills it, or it is killed) left a PostgreSQL data folder in
    /// /tmp per run, tens of GB after a day of runs. Not when the server alone stops: a test may restart it on the same data.
    /// </summary>
    public static IEnumerable<string> ShellArguments(string program, string? removeWhenGone = null) =>
        ["-c", Script, "sh", Environment.ProcessId.ToString(), removeWhenGone ?? "", program];

    /// <summary>True when <paramref name="program"/> is an executable on PATH (or a path to one).</summary>
    public static bool OnPath(string program) =>
        program.Contains('/') ? File.Exists(program)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
}
