using System.Net;
using System.Text;

namespace RoleManager.Testing;

/// <summary>
/// An HTTP server on 127.0.0.1 and a free port, for the stand-ins of AWS APIs the tests point clients at. Each request
/// goes to the handler on a task of its own (a slow answer holds up no other); a handler that throws answers 502 with
/// the exception, so the client's error shows the test's mistake. The one listener loop of those stand-ins.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        Endpoint = $"http://127.0.0.1:{PostgresServer.FreePort()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The base URL, without a trailing slash.</summary>
    public string Endpoint { get; }

    /// <summary>Writes <paramref name="body"/> as the whole response and closes it.</summary>
    public static async Task WriteAsync(HttpListenerResponse response, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(body);
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await _handle(context);
        }
        catch (Exception e)
        {
            context.Response.StatusCode = 502;
            await WriteAsync(context.Response, Encoding.UTF8.GetBytes(e.ToString()));
        }
    }
}
