using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RoleManager.Connect;

/// <summary>
/// A PEM bundle of trusted CAs (the RDS bundle: 87 regional roots) that validates a server certificate while loading
/// only the CAs its chain names. Loading a certificate costs ~0.5 ms in .NET on OpenSSL 3 (the public key's decoder),
/// so loading the whole RDS bundle took ~45 ms of every cold start for the one or two roots a server chains to. The
/// bundle is indexed instead by each CA's subject name (read from the DER with <see cref="AsnReader"/>, no key
/// decoded), and a validation loads the CAs whose subject is the issuer of a certificate the server presented — and
/// theirs, up the bundle — then builds the chain against those alone, with X509Chain as before. Matching is by the
/// exact DER of the name, as the issuer field copies the CA's subject; a chain that names a CA in another encoding
/// falls back to every CA of the bundle, so a mismatch costs time, never trust. Revocation is not checked and no
/// certificate is downloaded: the RDS CAs publish no CRL or OCSP responder a function in a VPC without internet
/// access could reach, so an online check could only time out (Npgsql does not check by default either).
/// </summary>
internal sealed class TrustBundle
{
    private readonly Dictionary<string, List<int>> _bySubject = new(StringComparer.Ordinal);
    private readonly List<(byte[] Der, string Subject, string Issuer)> _entries = [];
    private readonly X509Certificate2?[] _loaded;

    private TrustBundle(string path, IReadOnlyList<byte[]> certificates)
    {
        Path = path;
        foreach (var der in certificates)
        {
            var (subject, issuer) = Names(der);
            if (!_bySubject.TryGetValue(subject, out var list)) _bySubject[subject] = list = [];
            list.Add(_entries.Count);
            _entries.Add((der, subject, issuer));
        }
        _loaded = new X509Certificate2?[_entries.Count];
    }

    /// <summary>The bundle's file, for messages.</summary>
    public string Path { get; }

    /// <summary>How many certificates the bundle holds.</summary>
    public int Count => _entries.Count;

    /// <summary>How many of them a validation has loaded so far (for tests and the debug log).</summary>
    public int LoadedCount { get { lock (_loaded) return _loaded.Count(c => c is not null); } }

    /// <summary>Reads and indexes the bundle, once per path and process (a warm Lambda and the check's logins reuse it).</summary>
    /// <exception cref="CryptographicException">The file holds no certificate, or a block that is not one.</exception>
    public static TrustBundle For(string path)
    {
        lock (Bundles)
        {
            if (Bundles.TryGetValue(path, out var cached)) return cached;
            var bundle = Read(path);
            Bundles[path] = bundle;
            return bundle;
        }
    }

    private static readonly Dictionary<string, TrustBundle> Bundles = new(StringComparer.Ordinal);

    private static TrustBundle Read(string path)
    {
        string text = path == ConnectionResolver.BuiltInBundle ? BuiltInText() : File.ReadAllText(path);
        var certificates = PemCertificates(text);
        if (certificates.Count == 0) throw new CryptographicException("it holds no PEM certificate");
        return new TrustBundle(path, certificates);
    }

    /// <summary>
    /// A store of many files, as OpenSSL's certificate file and directory are (<see cref="MachineTrust"/>): each file
    /// PEM (any number of certificates) or one DER certificate, duplicates once, files that are neither skipped — as
    /// .NET reads the machine store.
    /// </summary>
    internal static TrustBundle FromFiles(string name, IEnumerable<string> files)
    {
        var certificates = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            List<byte[]> found;
            try { found = bytes.Length > 0 && bytes[0] == 0x30 ? [bytes] : PemCertificates(System.Text.Encoding.ASCII.GetString(bytes)); }
            catch (CryptographicException) { continue; }
            foreach (var der in found)
                if (seen.Add(Convert.ToHexString(SHA256.HashData(der))) && TryNames(der)) certificates.Add(der);
        }
        return new TrustBundle(name, certificates);
    }

    private static bool TryNames(byte[] der)
    {
        try { Names(der); return true; }
        catch (CryptographicException) { return false; }
    }

    private static List<byte[]> PemCertificates(string text)
    {
        var certificates = new List<byte[]>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                byte[] der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written) || written != der.Length)
                    throw new CryptographicException("a CERTIFICATE block is not valid base64");
                certificates.Add(der);
            }
            rest = rest[fields.Location.End..];
        }
        return certificates;
    }

    private static string BuiltInText()
    {
        using var stream = typeof(TrustBundle).Assembly.GetManifestResourceStream("RoleManager.Connect.rds-ca-bundle.pem")
            ?? throw new IOException("the program was built without its RDS CA bundle (assets/rds-ca-bundle.pem)");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The server certificate check for a TLS handshake (<see cref="RemoteCertificateValidationCallback"/>): the
    /// certificate chains to a CA of this bundle, and with <paramref name="verifyHostName"/> it names the host the
    /// handshake asked for (SslStream compares the name: <see cref="SslPolicyErrors.RemoteCertificateNameMismatch"/>).
    /// The chain SslStream built against no roots only lends the intermediates the server sent.
    /// </summary>
    public bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, bool verifyHostName)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        if (verifyHostName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var sent = new X509Certificate2Collection();
        if (presented is not null)
        {
            sent.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements) sent.Add(element.Certificate);
        }
        var cas = CasFor([leaf, .. sent]);
        if (cas.Count > 0 && Build(leaf, sent, cas)) return true;
        // No CA matched by the exact name (or the matched ones did not verify): every CA of the bundle decides.
        return cas.Count < Count && Build(leaf, sent, All());
    }

    /// <summary>The CAs of the bundle whose subject is the issuer of one of <paramref name="certificates"/>, and theirs.</summary>
    internal X509Certificate2Collection CasFor(IEnumerable<X509Certificate2> certificates)
    {
        var wanted = new Queue<string>(certificates.Select(c => Key(c.IssuerName.RawData)));
        var picked = new SortedSet<int>();
        while (wanted.TryDequeue(out var issuer))
        {
            if (!_bySubject.TryGetValue(issuer, out var matches)) continue;
            foreach (int i in matches)
                if (picked.Add(i) && _entries[i].Issuer != _entries[i].Subject) wanted.Enqueue(_entries[i].Issuer);
        }
        var result = new X509Certificate2Collection();
        foreach (int i in picked) result.Add(Load(i));
        return result;
    }

    private X509Certificate2Collection All()
    {
        var all = new X509Certificate2Collection();
        for (int i = 0; i < _entries.Count; i++) all.Add(Load(i));
        return all;
    }

    /// <summary>Loads a CA; one that cannot be loaded (only its names were read up front) is the bundle's fault, said as such.</summary>
    private X509Certificate2 Load(int i)
    {
        lock (_loaded)
        {
            try
            {
                return _loaded[i] ??= X509CertificateLoader.LoadCertificate(_entries[i].Der);
            }
            catch (CryptographicException ex)
            {
                throw new UnreadableBundleException(Path, ex);
            }
        }
    }

    private static bool Build(X509Certificate2 leaf, X509Certificate2Collection sent, X509Certificate2Collection cas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = HandshakePolicy();
        // A certificate for a TLS server (id-kp-serverAuth), as SslStream's own build and libpq require: a client
        // certificate from a CA of the bundle must not pass for the server, least of all under verify-ca.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        // A bundle may hold intermediates too; the server's own intermediates come with the handshake.
        chain.ChainPolicy.ExtraStore.AddRange(cas);
        chain.ChainPolicy.ExtraStore.AddRange(sent);
        return chain.Build(leaf);
    }

    /// <summary>
    /// No roots, no certificate downloads, no revocation check (see the class): the policy of the handshake's own build,
    /// and the base of <see cref="Build"/>'s, which adds the CAs.
    /// </summary>
    public static X509ChainPolicy HandshakePolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>The subject and issuer names of a DER certificate, as the hex of their DER, without decoding its key.</summary>
    private static (string Subject, string Issuer) Names(byte[] der)
    {
        try
        {
            var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) tbs.ReadEncodedValue(); // version
            tbs.ReadEncodedValue(); // serial number
            tbs.ReadEncodedValue(); // signature algorithm
            var issuer = tbs.ReadEncodedValue();
            tbs.ReadEncodedValue(); // validity
            var subject = tbs.ReadEncodedValue();
            return (Key(subject.Span), Key(issuer.Span));
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("a CERTIFICATE block is not an X.509 certificate", ex);
        }
    }

    private static string Key(ReadOnlySpan<byte> name) => Convert.ToHexString(name);

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
}

/// <summary>A CA of the bundle at <see cref="Path"/> could not be loaded when a handshake needed it.</summary>
internal sealed class UnreadableBundleException(string path, Exception inner)
    : Exception($"a certificate in it cannot be read ({inner.Message})", inner)
{
    public string Path { get; } = path;
}
