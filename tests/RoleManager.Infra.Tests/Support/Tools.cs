namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// The external programs the tests drive. Each lookup fails with what to install, so a fresh
/// machine tells the reader exactly what is missing (bin/install-test-tools installs what it can).
/// </summary>
public static class Tools
{
    private static readonly string[] MirrorCandidates =
    [
        "/opt/tf-plugins",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".terraform.d", "plugins"),
        "/usr/local/share/terraform/plugins",
        "/usr/share/terraform/plugins",
    ];

    public static string Terraform => Find("terraform",
        "terraform is not on PATH: install Terraform 1.5 or later (1.11 tested); Debian and npm do not package it, "
        + "so add HashiCorp's apt repository and apt-get install terraform, or unpack the linux_amd64 release onto PATH "
        + "(bin/install-test-tools --check lists everything that is missing)");

    public static string Aws => Find("aws",
        "the aws CLI is not on PATH: install it with pip install awscli (or apt-get install awscli); "
        + "bin/install-test-tools does this");

    public static string MotoServer => Find("moto_server",
        "moto_server is not on PATH: install it with pip install 'moto[server]>=5.1,<6'; bin/install-test-tools does this");

    /// <summary>
    /// The folder that holds <c>registry.terraform.io/hashicorp/aws/...</c>, for <c>terraform init -plugin-dir</c>:
    /// <c>TF_PLUGIN_MIRROR_DIR</c>, else the usual places.
    /// </summary>
    public static string ProviderMirror
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("TF_PLUGIN_MIRROR_DIR");
            var candidates = string.IsNullOrEmpty(fromEnvironment) ? MirrorCandidates : [fromEnvironment, .. MirrorCandidates];
            foreach (var dir in candidates)
            {
                var aws = Path.Combine(dir, "registry.terraform.io", "hashicorp", "aws");
                if (Directory.Exists(aws) && Directory.EnumerateFiles(aws, "terraform-provider-aws*", SearchOption.AllDirectories).Any())
                    return dir;
            }
            throw new InvalidOperationException(
                "no filesystem mirror of the hashicorp/aws provider found (looked in TF_PLUGIN_MIRROR_DIR and "
                + string.Join(", ", MirrorCandidates) + "); the tests never download providers. On a machine with internet run "
                + "'terraform -chdir=infra/examples/aurora-postgresql providers mirror -platform=linux_amd64 /opt/tf-plugins' "
                + "and copy /opt/tf-plugins here, or set TF_PLUGIN_MIRROR_DIR to the folder that holds registry.terraform.io/");
        }
    }

    private static string Find(string program, string message)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException(message);
    }
}
