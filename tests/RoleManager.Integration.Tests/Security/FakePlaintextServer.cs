using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RoleManager.Integration.Tests.Security;

/// <summary>
/// A loopback "PostgreSQL server" that never speaks TLS: it answers SSLRequest and GSSENCRequest with 'N',
/// asks for a cleartext password after a startup message, and records every byte the client sent, so a
/// test can see whether the client went on in plaintext and what it gave away.
/// </summary>
internal sealed class FakePlaintextServer : IAsyncDisposable
{
    private const int SslRequestCode = 80877103, GssEncRequestCode = 80877104;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly MemoryStream _received = new();
    private readonly Task _serving;

    public FakePlaintextServer()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether the client sent a startup message (user name, database) in plaintext.</summary>
    public bool StartupSeen { get; private set; }

    /// <summary>Everything the client sent, as Latin-1 text (for "does it contain the password").</summary>
    public async Task<string> ReceivedAsync()
    {
        await Task.WhenAny(_serving, Task.Delay(TimeSpan.FromSeconds(5)));
        lock (_received) return Encoding.Latin1.GetString(_received.ToArray());
    }

    private async Task ServeAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            stream.ReadTimeout = 5000;
            while (true)
            {
                byte[] header = await ReadAsync(stream, 8);
                int length = BinaryPrimitives.ReadInt32BigEndian(header), code = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
                if (code is SslRequestCode or GssEncRequestCode)
                {
                    await stream.WriteAsync("N"u8.ToArray());
                    continue;
                }
                await ReadAsync(stream, length - 8);
                StartupSeen = true;
                // AuthenticationCleartextPassword: the client answers with its password in a 'p' message.
                await stream.WriteAsync(new byte[] { (byte)'R', 0, 0, 0, 8, 0, 0, 0, 3 });
                byte[] type = await ReadAsync(stream, 5);
                await ReadAsync(stream, BinaryPrimitives.ReadInt32BigEndian(type.AsSpan(1)) - 4);
                return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            // The client hung up: that is what a careful client does.
        }
    }

    private async Task<byte[]> ReadAsync(NetworkStream stream, int count)
    {
        byte[] buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        lock (_received) _received.Write(buffer);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await Task.WhenAny(_serving, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
