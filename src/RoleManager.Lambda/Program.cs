using System.Runtime.InteropServices;
using RoleManager.Lambda;
using RoleManager.Lambda.Function;
using RoleManager.Lambda.Logging;
using RoleManager.Lambda.Runtime;

// The `bootstrap` of a provided.al2023 function: init once, then serve invocations until the Runtime API says stop.

var time = TimeProvider.System;
var redactor = new SecretRedactor();
using var logs = JsonLinesLoggerProvider.ForStandardOutput(time, redactor);
var logger = logs.CreateLogger("RoleManager.Lambda");

var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiClient.EnvironmentVariable);
if (string.IsNullOrWhiteSpace(runtimeApi))
{
    Log.RuntimeApiNotSet(logger);
    return ExitCodes.InitFailed;
}

using var client = new RuntimeApiClient(runtimeApi);

IInvocationHandler handler;
try
{
    handler = RoleManagerFunction.Create(new HostServices(logs, redactor, time));
}
catch (Exception e)
{
    var error = LambdaError.FromException(e, redactor.Redact);
    Log.InitFailed(logger, error.ErrorType, e);
    try
    {
        await client.ReportInitErrorAsync(error, CancellationToken.None);
    }
    catch (Exception reportFailure)
    {
        Log.InitErrorNotReported(logger, reportFailure);
    }

    return ExitCodes.InitFailed;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await new LambdaLoop(client, handler, logger, time, redactor).RunAsync(stop.Token);
