using System.Text.Json.Nodes;
using CityBrain.Provisioning.Registry;

namespace CityBrain.Testing.Servers;

/// <summary>
/// The Mosquitto ACL the generator (<see cref="MosquittoAclGenerator"/>) makes from the shipped example registry
/// (deploy/grids.example.json) with a test's own nodes registered in grid <see cref="TestGrid"/> of district
/// <see cref="TestDistrict"/>: tests run on the generator's real output, and deploy/mosquitto/acl is that output
/// without test nodes (RegistryAclTests keeps them equal).
/// </summary>
public static class ExampleRegistryAcl
{
    public const string TestDistrict = "harbour";
    public const string TestGrid = "g-0417";

    public static string RegistryPath => RepoPaths.Combine("deploy", "grids.example.json");

    /// <summary>The example registry; every user in <paramref name="users"/> that it does not name is added as a node of <see cref="TestGrid"/>.</summary>
    public static GridRegistry Load(IEnumerable<string> users)
    {
        var root = JsonNode.Parse(File.ReadAllText(RegistryPath))!.AsObject();
        var known = root["consumers"]!.AsArray().Select(c => (string)c!["user"]!)
            .Concat(root["grids"]!.AsArray().SelectMany(g => g!["nodes"]?.AsArray().Select(n => (string)n!) ?? []))
            .ToHashSet(StringComparer.Ordinal);
        var grid = root["grids"]!.AsArray().Single(g => (string)g!["id"]! == TestGrid)!.AsObject();
        var nodes = grid["nodes"]!.AsArray();
        foreach (string user in users.Where(u => !known.Contains(u)))
        {
            nodes.Add((JsonNode)JsonValue.Create(user));
        }

        return GridRegistryLoader.Parse(root.ToJsonString(), RegistryPath);
    }

    /// <summary>The generated ACL text for <see cref="Load"/>.</summary>
    public static string Generate(IEnumerable<string> users) => MosquittoAclGenerator.Generate(Load(users), "grids.example.json");
}
