using System.Text.Json.Nodes;
using RoleManager.Testing;

namespace RoleManager.Infra.Tests.Support;

/// <summary>
/// The test root modules of Fixtures/ as the tests run them: copied to a scratch folder beside copies of infra/ and
/// Fixtures/moto-network, where their relative module sources (../infra/modules/role-manager, ../moto-network)
/// resolve, with Fixtures/moto-provider.tf (the provider both configure the same way) copied in, and initialised offline. Terraform's working files stay out of the repository.
/// </summary>
public static class FixtureRoots
{
    /// <param name="root">A folder of Fixtures/: moto-root or run-root.</param>
    public static async Task<Terraform> PrepareAsync(TempDirectory temp, string root)
    {
        ArgumentNullException.ThrowIfNull(temp);
        _ = Tools.Terraform;
        Repo.CopyTree(Repo.Infra, temp.Combine("infra"));
        Repo.CopyTree(Path.Combine(Repo.Fixtures, "moto-network"), temp.Combine("moto-network"));
        Repo.CopyTree(Path.Combine(Repo.Fixtures, root), temp.Combine(root));
        File.Copy(Path.Combine(Repo.Fixtures, "moto-provider.tf"), Path.Combine(temp.Combine(root), "moto-provider.tf"));
        var tf = new Terraform(temp.Combine(root), temp.Path);
        await tf.InitAsync();
        return tf;
    }

    /// <summary>
    /// Fixtures/moto-root applied against <paramref name="moto"/> with a stand-in function zip and <paramref name="variables"/>
    /// (more <c>-var</c> arguments). Returns the <c>-var</c> arguments of the apply, which a destroy needs again.
    /// </summary>
    public static async Task<(Terraform Terraform, string[] Variables, string Zip, JsonNode Outputs)> ApplyMotoRootAsync(
        TempDirectory temp, MotoServer moto, params string[] variables)
    {
        ArgumentNullException.ThrowIfNull(temp);
        ArgumentNullException.ThrowIfNull(moto);
        var tf = await PrepareAsync(temp, "moto-root");
        var zip = Repo.WriteDummyLambdaZip(Directory.CreateDirectory(temp.Combine("zip")).FullName);
        string[] vars = ["-var", $"endpoint={moto.Endpoint.ToString().TrimEnd('/')}", "-var", $"lambda_zip_path={zip}", .. variables];
        await tf.MustAsync(["apply", "-auto-approve", "-input=false", "-no-color", .. vars]);
        return (tf, vars, zip, await tf.OutputsAsync());
    }
}
