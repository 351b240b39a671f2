using System.Net;

namespace RoleManager.Lambda.Runtime;

/// <summary>The Runtime API answered with a status the function did not expect.</summary>
public sealed class RuntimeApiException(string operation, HttpStatusCode statusCode, string message)
    : Exception($"Lambda Runtime API {operation} answered {(int)statusCode} {statusCode}: {message}")
{
    public string Operation { get; } = operation;

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>A 500 from the Runtime API: "non-recoverable state, the runtime should exit promptly".</summary>
    public bool IsFatal => StatusCode == HttpStatusCode.InternalServerError;
}
