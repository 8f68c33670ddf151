using System.Text.Json.Nodes;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Tests.Registry;

public sealed class GridRegistryLoaderTests
{
    private static string ExamplePath => Path.Combine(NodeConfigurationLoaderTests.RepoRoot(), "deploy", "grids.example.json");

    [Fact]
    public async Task Load_ShippedExample_ResolvesEveryLevelOfTheHierarchy()
    {
        var registry = await GridRegistryLoader.LoadAsync(ExamplePath, CancellationToken.None);

        Assert.True(registry.TryGetNode("n-harbour-02", out var place));
        Assert.Equal(new GridPlace("metropolis", "harbour", "quay-road", "quay-south", "g-0418"), place);
        Assert.True(registry.TryGetGrid("g-0101", out var oldTown));
        Assert.Equal("old-town", oldTown.District);
        Assert.Equal(53.5413, registry.Document.Grids[0].Lat);
        Assert.Null(registry.Document.Grids[2].Lat);
        Assert.Equal(4, registry.Nodes.Count());
    }

    [Fact]
    public void Matches_NodeInAnotherGridOrUnknown_SaysWhereTheRegistryHasIt()
    {
        var registry = GridRegistryLoader.Parse(File.ReadAllText(ExamplePath), "grids.json");

        Assert.True(registry.Matches("n-harbour-01", "harbour", "g-0417", out _));
        Assert.False(registry.Matches("n-harbour-01", "harbour", "g-0418", out string moved));
        Assert.Contains("the grid registry has it in district 'harbour', grid 'g-0417'", moved, StringComparison.Ordinal);
        Assert.False(registry.Matches("n-harbour-01", "old-town", "g-0417", out _));
        Assert.False(registry.Matches("n-stranger", "harbour", "g-0417", out string unknown));
        Assert.Contains("not in the grid registry", unknown, StringComparison.Ordinal);
        Assert.False(registry.MatchesClaimedPlace("n-harbour-01", "metropolis", "harbour", "dock-street", "g-0417", out string street));
        Assert.Contains("street 'quay-road'", street, StringComparison.Ordinal);
        Assert.True(registry.MatchesClaimedPlace("n-harbour-01", "metropolis", "harbour", "quay-road", "g-0417", out _));
    }

    [Fact]
    public void Parse_GridTwiceUnknownDistrictNodeTwiceBadScopes_ReportsEveryProblemWithPathValueAndFix()
    {
        var root = Example();
        root["grids"]!.AsArray().Add(JsonNode.Parse("""{ "id": "g-0417", "community": "docklands", "nodes": ["n-harbour-02"] }"""));
        root["streets"]!.AsArray().Add(JsonNode.Parse("""{ "id": "canal-walk", "district": "harbor" }"""));
        root["communities"]!.AsArray().Add(JsonNode.Parse("""{ "id": "nowhere", "street": "no-street" }"""));
        root["consumers"]!.AsArray().Add(JsonNode.Parse("""{ "user": "ccc-x", "role": "district", "district": "uptown" }"""));
        root["consumers"]!.AsArray().Add(JsonNode.Parse("""{ "user": "dept-x", "role": "department", "domains": ["sanitation"] }"""));
        root["consumers"]!.AsArray().Add(JsonNode.Parse("""{ "user": "dept-x", "role": "city" }"""));
        root["consumers"]!.AsArray().Add(JsonNode.Parse("""{ "user": "n-harbour-01", "role": "city" }"""));

        var ex = Assert.Throws<ConfigurationException>(() => GridRegistryLoader.Parse(root.ToJsonString(), "grids.json"));

        Assert.Contains(ex.Errors, e => e is { Path: "/grids/4/id", Value: "\"g-0417\"" } && e.Problem.Contains("listed twice (also /grids/0)", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e is { Path: "/grids/4/nodes/0", Value: "\"n-harbour-02\"" } && e.Problem.Contains("already in grid 'g-0418'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e is { Path: "/streets/3/district", Value: "\"harbor\"", Problem: "unknown district" } && e.Fix.Contains("harbour, old-town", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e is { Path: "/communities/4/street", Problem: "unknown street" });
        Assert.Contains(ex.Errors, e => e is { Path: "/consumers/9/district", Value: "\"uptown\"", Problem: "unknown district" });
        Assert.Contains(ex.Errors, e => e is { Path: "/consumers/11/user" } && e.Problem.Contains("listed twice", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e is { Path: "/consumers/12/user" } && e.Problem.Contains("also a node id", StringComparison.Ordinal));
        Assert.Equal(7, ex.Errors.Count);
    }

    [Fact]
    public void Parse_SchemaViolations_NameTheFieldAndTheFix()
    {
        var root = Example();
        root["grids"]![0]!["lat"] = 123.0;
        root["districts"]![0]!["id"] = "Harbour District";
        root["consumers"]!.AsArray().Add(JsonNode.Parse("""{ "user": "office-x", "role": "street" }"""));

        var ex = Assert.Throws<ConfigurationException>(() => GridRegistryLoader.Parse(root.ToJsonString(), "grids.json"));

        Assert.Contains(ex.Errors, e => e.Path == "/grids/0/lat" && e.Value == "123");
        Assert.Contains(ex.Errors, e => e.Path == "/districts/0/id" && e.Fix.Contains("lower-case", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "/consumers/9" && e.Problem.Contains("street", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DepartmentDomainNotInTheCatalogue_IsRefused()
    {
        var root = Example();
        root["consumers"]![7]!["domains"] = new JsonArray((JsonNode)"sanitation", (JsonNode)"bins");

        var ex = Assert.Throws<ConfigurationException>(() => GridRegistryLoader.Parse(root.ToJsonString(), "grids.json"));

        Assert.Contains(ex.Errors, e => e.Path == "/consumers/7/domains/1" && e.Value == "\"bins\"");
    }

    private static JsonObject Example() => JsonNode.Parse(File.ReadAllText(ExamplePath))!.AsObject();
}
