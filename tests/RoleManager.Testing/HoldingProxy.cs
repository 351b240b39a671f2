using System.Net;
using System.Net.Sockets;

namespace RoleManager.Testing;

/// <summary>
/// Forwards loopback connections to a server and counts them; those that arrive before the hold ends wait until it does
/// (a paused Aurora cluster resuming: ResumingClusterTests). With no hold, it counts what a run connects.
/// </summary>
public sealed class HoldingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly DateTime _holdUntil;
    private int _connections;

    public HoldingProxy(int target, TimeSpan hold)
    {
        _target = target;
        _holdUntil = DateTime.UtcNow + hold;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            var wait = _holdUntil - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            try
            {
                using var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, _target);
                var up = client.GetStream().CopyToAsync(server.GetStream());
                var down = server.GetStream().CopyToAsync(client.GetStream());
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client gave up while held: what a timed-out attempt on a resuming cluster does.
            }
        }
    }
}
