namespace RoleManager.Lambda.Runtime;

/// <summary>The header names of the Lambda Runtime API (version 2018-06-01).</summary>
public static class RuntimeApiHeaders
{
    /// <summary>The invocation's id; every later call for it carries this id in its path.</summary>
    public const string RequestId = "Lambda-Runtime-Aws-Request-Id";

    /// <summary>When the invocation times out, in milliseconds since the Unix epoch.</summary>
    public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";

    public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";

    public const string TraceId = "Lambda-Runtime-Trace-Id";

    /// <summary>Sent with an invocation or init error; the same value as the body's <c>errorType</c>.</summary>
    public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";
}
