using CityBrain.Hub.Configuration;
using CityBrain.IntegrationTests.Packaging;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>A missing or invalid hub.json is exit 78, which the unit lists in RestartPreventExitStatus (not restarted forever).</summary>
[Trait("Category", "Integration")]
public class HubExitCodeTests
{
    [Fact]
    public async Task MissingConfiguration_Exits78_NamingTheFile()
    {
        using var dir = new TempDirectory("hub-exit");
        var result = await Tool.RunAsync(HubProcess.Executable, ["--config", dir.Combine("missing.json")], TimeSpan.FromSeconds(60), dir.Path);
        Assert.True(result.ExitCode == HubExitCodes.Configuration, result.ToString());
        Assert.Equal(78, HubExitCodes.Configuration);
        Assert.Contains("missing.json' not found", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_Exits78_ListingTheFailures()
    {
        using var dir = new TempDirectory("hub-exit");
        string config = dir.Combine("hub.json");
        await File.WriteAllTextAsync(config, """{ "Hub": { "Mqtt": { "Port": 0 }, "Sinks": [] } }""");
        var result = await Tool.RunAsync(HubProcess.Executable, ["--config", config], TimeSpan.FromSeconds(60), dir.Path);
        Assert.True(result.ExitCode == HubExitCodes.Configuration, result.ToString());
        Assert.Contains("invalid configuration in " + config, result.Errors, StringComparison.Ordinal);
    }
}
