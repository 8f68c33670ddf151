using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.Provisioning.Cli.Tests;

/// <summary><c>citybrain acl</c> and <c>citybrain grants</c> on the shipped example registry and on a broken one.</summary>
[Trait("Category", "Cli")]
public sealed class RegistryCommandTests
{
    private static string Example => RepoPaths.Combine("deploy", "grids.example.json");

    [Fact]
    public async Task Acl_ExampleRegistry_PrintsTheShippedAcl_AndWritesItWithOutput()
    {
        await using (var run = await CliRun.RunAsync(["acl", "--registry", Example]))
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(await File.ReadAllTextAsync(RepoPaths.Combine("deploy", "mosquitto", "acl")), run.Stdout);
        }

        using var dir = new TempDirectory("cli-acl");
        await using (var run = await CliRun.RunAsync(["acl", "--registry", Example, "-o", dir.Combine("acl")]))
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("ACL for 4 nodes and 9 consumers of 'metropolis' written", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("user n-oldtown-01\ntopic write citybrain/v1/old-town/g-0101/n-oldtown-01/telemetry\n", await File.ReadAllTextAsync(dir.Combine("acl")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Acl_GridListedTwice_Exit1_WithPathValueAndFix_NoFileWritten()
    {
        using var dir = new TempDirectory("cli-acl-bad");
        string registry = dir.Combine("grids.json");
        await File.WriteAllTextAsync(registry, (await File.ReadAllTextAsync(Example)).Replace("\"id\": \"g-0101\"", "\"id\": \"g-0417\"", StringComparison.Ordinal));

        await using var run = await CliRun.RunAsync(["acl", "--registry", registry, "-o", dir.Combine("acl")]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("/grids/3/id = \"g-0417\": listed twice (also /grids/0). Fix: ids are unique in the city", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("acl")));
    }

    [Fact]
    public async Task Grants_ExampleRegistry_OneDatabasePerDomain_ReadGrantPerDepartment()
    {
        await using var run = await CliRun.RunAsync(["grants", "--registry", Example]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            ["CREATE DATABASE \"citybrain_sanitation\"", "CREATE DATABASE \"citybrain_traffic\"", "GRANT READ ON \"citybrain_sanitation\" TO \"dept-sanitation\"", "GRANT READ ON \"citybrain_traffic\" TO \"dept-traffic\""],
            run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
