using Microsoft.Extensions.Logging;

namespace RoleManager.Check;

/// <summary>Where a check's time went, on the debug log (<c>ROLE_MANAGER_DEBUG=1</c> in the CLI): names and counts only.</summary>
internal static partial class CheckLog
{
    [LoggerMessage(300, LogLevel.Debug, "check: {roles} logins in {seconds:0.00} s, {parallelism} at once; summed over them: logging in {loginSeconds:0.00} s, their sessions {sessionSeconds:0.00} s")]
    public static partial void Logins(ILogger logger, int roles, double seconds, int parallelism, double loginSeconds, double sessionSeconds);

    [LoggerMessage(301, LogLevel.Debug, "check: master probes in {seconds:0.00} s, of which the server's view of every role {serverViewSeconds:0.00} s")]
    public static partial void MasterProbes(ILogger logger, double seconds, double serverViewSeconds);
}
