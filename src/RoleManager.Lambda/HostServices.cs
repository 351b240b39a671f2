using Microsoft.Extensions.Logging;
using RoleManager.Lambda.Logging;

namespace RoleManager.Lambda;

/// <summary>What the host hands the function when it creates it.</summary>
/// <param name="Logs">The JSON-lines log output (standard output); the function's only output.</param>
/// <param name="Redactor">Register every secret read (master password, tokens) here; logs then mask it.</param>
/// <param name="Time">The clock; tests pass a fake one.</param>
public sealed record HostServices(ILoggerProvider Logs, SecretRedactor Redactor, TimeProvider Time);
