using System.Runtime.InteropServices;

namespace RoleManager.Connect;

/// <summary>
/// The machine's CA store (OpenSSL's certificate file and directory), read as a <see cref="TrustBundle"/>: indexed by
/// name, a CA loaded only when a server's chain names it.
/// <para>
/// Why: on Linux, every <c>X509Chain.Build</c> in .NET — the one SslStream runs in each handshake and ours against a
/// CA bundle alike, whatever the trust mode — first loads the whole machine store (Debian: ~146 CAs from
/// <c>ca-certificates.crt</c> and the same again from <c>/etc/ssl/certs</c>), ~50 ms of CPU on every CLI run whose
/// database is verified against the RDS bundle and never uses those CAs. .NET reads the store's location from
/// OpenSSL's <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c> in the native environment (the Lambda's Terraform module points
/// them at the five Amazon roots). The CLI calls <see cref="DetachFromProcess"/> first thing: it notes where the
/// machine's CAs are, then points both variables at nothing, so .NET's own store is empty; whatever still needs the
/// machine's CAs — the AWS API calls (<see cref="CreateHttpHandler"/>) and <c>--sslrootcert system</c> — validates
/// against this bundle of the same files instead, with the same chain rules (<see cref="TrustBundle.Validate"/>).
/// </para>
/// </summary>
public static partial class MachineTrust
{
    private const string NowhereFile = "/nonexistent/role-manager-detached-ca-store/cert.pem";
    private const string NowhereDirectory = "/nonexistent/role-manager-detached-ca-store/certs";
    private static readonly object Gate = new();
    private static (string? File, string[] Directories)? _locations;
    private static TrustBundle? _bundle;

    /// <summary>True once <see cref="DetachFromProcess"/> took the machine store out of .NET's way in this process.</summary>
    public static bool Detached { get; private set; }

    /// <summary>
    /// Notes where the machine's CAs are (the variables if set, else OpenSSL's compiled-in defaults) and points
    /// <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c> at nothing for the rest of the process. Does nothing where OpenSSL's
    /// defaults cannot be read (no libcrypto found by its usual names): .NET then keeps loading the store itself.
    /// Call it before anything in the process uses TLS or X.509.
    /// </summary>
    public static void DetachFromProcess()
    {
        if (!OperatingSystem.IsLinux() || Detached) return;
        var locations = Locate();
        if (locations is null) return;
        lock (Gate) _locations = locations;
        if (SetEnvironment("SSL_CERT_FILE", NowhereFile, 1) != 0 || SetEnvironment("SSL_CERT_DIR", NowhereDirectory, 1) != 0) return;
        Detached = true;
    }

    /// <summary>The machine's CAs as a bundle (read once per process, names only until a chain asks for a CA).</summary>
    internal static TrustBundle Bundle
    {
        get
        {
            lock (Gate)
            {
                if (_bundle is not null) return _bundle;
                var (file, directories) = _locations ??= Locate() ?? (Environment.GetEnvironmentVariable("SSL_CERT_FILE"), []);
                var files = new List<string>();
                if (file is not null && File.Exists(file)) files.Add(file);
                foreach (var directory in directories.Where(Directory.Exists))
                    files.AddRange(Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal));
                return _bundle = TrustBundle.FromFiles(ConnectionResolver.SystemStore, files);
            }
        }
    }

    /// <summary>
    /// The handler for HTTPS calls that need the machine's CAs (AWS APIs): .NET's own validation while the store is
    /// .NET's; this bundle, host name included, once the process detached it.
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler()
    {
        var handler = new SocketsHttpHandler();
        if (Detached)
        {
            handler.SslOptions.CertificateChainPolicy = TrustBundle.HandshakePolicy();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Bundle.Validate(certificate, chain, errors, verifyHostName: true);
        }
        return handler;
    }

    /// <summary>The file and directories OpenSSL (and so .NET) reads the machine's CAs from; null when unknown.</summary>
    private static (string? File, string[] Directories)? Locate()
    {
        string? file = Environment.GetEnvironmentVariable("SSL_CERT_FILE");
        string? directories = Environment.GetEnvironmentVariable("SSL_CERT_DIR");
        if (file is null || directories is null)
        {
            var defaults = OpenSslDefaults();
            if (defaults is null) return null;
            file ??= defaults.Value.File;
            directories ??= defaults.Value.Directory;
        }
        return (file.Length == 0 ? null : file, directories.Split(':', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>OpenSSL's compiled-in <c>X509_get_default_cert_file()</c> and <c>_dir()</c> (they differ by distribution).</summary>
    private static unsafe (string File, string Directory)? OpenSslDefaults()
    {
        foreach (string name in (string[])["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"])
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, "X509_get_default_cert_file", out var fileExport) &&
                NativeLibrary.TryGetExport(library, "X509_get_default_cert_dir", out var directoryExport))
            {
                string? file = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)fileExport)());
                string? directory = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)directoryExport)());
                if (file is not null && directory is not null) return (file, directory);
            }
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
