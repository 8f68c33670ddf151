using CityBrain.Provisioning.Registry;

namespace CityBrain.Provisioning.Tests.Registry;

/// <summary>
/// deploy/mosquitto/acl is the generator's output for deploy/grids.example.json, byte for byte. After editing the
/// registry or the generator: <c>CITYBRAIN_REGENERATE=1 dotnet test tests/CityBrain.Provisioning.Tests --filter RegistryAclFileTests</c>.
/// </summary>
public sealed class RegistryAclFileTests
{
    [Fact]
    public async Task ShippedAcl_IsTheGeneratorsOutputForTheExampleRegistry()
    {
        string root = NodeConfigurationLoaderTests.RepoRoot();
        var registry = await GridRegistryLoader.LoadAsync(Path.Combine(root, "deploy", "grids.example.json"), CancellationToken.None);
        string generated = MosquittoAclGenerator.Generate(registry, "grids.example.json");
        string shipped = Path.Combine(root, "deploy", "mosquitto", "acl");
        if (Environment.GetEnvironmentVariable("CITYBRAIN_REGENERATE") == "1")
        {
            await File.WriteAllTextAsync(shipped, generated);
        }

        Assert.Equal(generated, await File.ReadAllTextAsync(shipped));
    }

    [Fact]
    public async Task Generate_NoPatternLines_EveryNodePinnedToItsRegisteredGrid()
    {
        var registry = await GridRegistryLoader.LoadAsync(Path.Combine(NodeConfigurationLoaderTests.RepoRoot(), "deploy", "grids.example.json"), CancellationToken.None);
        string[] lines = MosquittoAclGenerator.Generate(registry, "grids.example.json").Split('\n');

        Assert.DoesNotContain(lines, l => l.StartsWith("pattern", StringComparison.Ordinal));
        foreach (var (node, place) in registry.Nodes)
        {
            int at = Array.IndexOf(lines, "user " + node);
            Assert.True(at >= 0, node);
            var block = lines.Skip(at + 1).TakeWhile(l => l.StartsWith("topic ", StringComparison.Ordinal)).ToList();
            Assert.Equal(8, block.Count);

            // On-call answers go under the requester's reply namespace, pinned to the node's own id (any requester).
            string replies = $"topic write citybrain/v1/_replies/+/{node}";
            Assert.Contains(replies, block);
            var own = block.Where(l => l != replies).ToList();
            Assert.All(own, l => Assert.Contains($" citybrain/v1/{place.District}/{place.Grid}/{node}/", l, StringComparison.Ordinal));
            Assert.DoesNotContain(own, l => l.Contains('+', StringComparison.Ordinal) || l.Contains('#', StringComparison.Ordinal));
            Assert.Contains($"topic read  citybrain/v1/{place.District}/{place.Grid}/{node}/cmd", block);
            Assert.Contains($"topic read  citybrain/v1/{place.District}/{place.Grid}/{node}/ack", block); // the hub's end-to-end acknowledgement, its own only
            Assert.DoesNotContain(block, l => l.StartsWith("topic write", StringComparison.Ordinal) && l.EndsWith("/ack", StringComparison.Ordinal));
            Assert.DoesNotContain(block, l => l.StartsWith("topic write", StringComparison.Ordinal) && l.EndsWith("/cmd", StringComparison.Ordinal));
        }
    }
}
