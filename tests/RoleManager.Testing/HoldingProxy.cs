using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RoleManager.Testing;

/// <summary>
/// Forwards loopback connections to a server and counts them; those that arrive before the hold ends wait until it does
/// (a paused Aurora cluster resuming: ResumingClusterTests). With no hold, it counts what a run connects. The first
/// <c>startingUp</c> connections are answered as PostgreSQL answers while it starts up (FATAL 57P03) instead.
/// </summary>
public sealed class HoldingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly DateTime _holdUntil;
    private int _connections;
    private int _startingUpLeft;

    public HoldingProxy(int target, TimeSpan hold, int startingUp = 0)
    {
        _target = target;
        _holdUntil = DateTime.UtcNow + hold;
        _startingUpLeft = startingUp;
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
            bool startingUp = Interlocked.Decrement(ref _startingUpLeft) >= 0;
            _ = Task.Run(() => startingUp ? AnswerStartingUpAsync(client) : ForwardAsync(client));
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

    /// <summary>Reads the startup message (after an SSL or GSS request, answered "N") and answers FATAL 57P03.</summary>
    private static async Task AnswerStartingUpAsync(TcpClient client)
    {
        const int SslRequest = 80877103, GssEncRequest = 80877104;
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (await ReadMessageCodeAsync(stream) is SslRequest or GssEncRequest) await stream.WriteAsync("N"u8.ToArray());
                await stream.WriteAsync(StartingUp());
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException) { }
        }
    }

    /// <summary>Reads one untyped message (its length, then the code and the rest) and returns its code.</summary>
    private static async Task<int> ReadMessageCodeAsync(NetworkStream stream)
    {
        var length = new byte[4];
        await stream.ReadExactlyAsync(length);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(length) - 4];
        await stream.ReadExactlyAsync(body);
        return BinaryPrimitives.ReadInt32BigEndian(body);
    }

    /// <summary>The ErrorResponse PostgreSQL sends a connection while it starts up.</summary>
    private static byte[] StartingUp()
    {
        var fields = new MemoryStream();
        foreach (var (code, value) in new[] { ('S', "FATAL"), ('V', "FATAL"), ('C', "57P03"), ('M', "the database system is starting up") })
        {
            fields.WriteByte((byte)code);
            fields.Write(Encoding.UTF8.GetBytes(value));
            fields.WriteByte(0);
        }
        fields.WriteByte(0);
        var message = new byte[5 + fields.Length];
        message[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + (int)fields.Length);
        fields.ToArray().CopyTo(message, 5);
        return message;
    }
}
