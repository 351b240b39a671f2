using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoleManager.Testing;

/// <summary>A TCP listener that counts connection attempts: proves that a command never reached for the database.</summary>
public sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public ConnectionCounter()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception) { /* stopped */ }
    }

    public void Dispose() => _listener.Stop();
}
