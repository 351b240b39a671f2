using System.Diagnostics;
using System.IO.Compression;

namespace RoleManager.Integration.Tests.Report;

/// <summary>Headless Chromium (Debian's <c>chromium</c> package; <c>CHROMIUM</c> names another binary).</summary>
public static class Chromium
{
    public static readonly string? Binary = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } explicitPath) return File.Exists(explicitPath) ? explicitPath : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <summary>Runs Chromium headless (no sandbox: these machines run as root) on a file URL with extra arguments.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string file, params string[] args)
    {
        string profile = Directory.CreateTempSubdirectory("rm-chromium-").FullName;
        var psi = new ProcessStartInfo(Binary!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                     "--enable-logging=stderr", $"--user-data-dir={profile}" }.Concat(args))
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(new Uri(file).AbsoluteUri);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException("chromium did not exit within 3 minutes"); }
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// How many distinct byte values the PNG's decompressed scanlines hold: a blank page (one colour) gives a handful,
    /// a rendered page with text and a picture gives well over a hundred. Enough to tell "rendered" from "blank"
    /// without an image library.
    /// </summary>
    public static int DistinctPixelBytes(byte[] png)
    {
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT") idat.Write(png, at + 8, length);
            at += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var seen = new bool[256];
        var buffer = new byte[65536];
        for (int n; (n = z.Read(buffer)) > 0;)
            for (int i = 0; i < n; i++) seen[buffer[i]] = true;
        return seen.Count(b => b);
    }
}

/// <summary>A fact that is skipped, saying why and what to install, only when no Chromium binary can be found.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Binary is null)
            Skip = "Chromium was not found (PATH: chromium, chromium-browser, google-chrome; or CHROMIUM=/path). Install it: apt-get install chromium, or run bin/install-test-tools.";
    }
}
