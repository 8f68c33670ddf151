using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Provisioning.Registry;

/// <summary>
/// Loads a grid registry (schema grid-registry.v1): the schema first, then what a schema cannot say: every id once
/// (a grid listed twice), every reference resolves (a street in an unknown district), a node in one grid only and
/// never also a consumer, each consumer's scope exists. Every problem at once, with path, value and fix.
/// </summary>
public static class GridRegistryLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    public static async Task<GridRegistry> LoadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, [new ConfigError("/", null, $"cannot read the file: {ex.Message}", "check the path and the file's permissions")]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks a registry held in memory.</summary>
    public static GridRegistry Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException(source, [new ConfigError(
                $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}",
                null,
                "not valid JSON: " + ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0],
                "fix the syntax (quotes around names and strings, commas between items)")]);
        }

        using (document)
        {
            var schemaErrors = SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.GridRegistry), document.RootElement);
            if (schemaErrors.Count > 0)
            {
                throw new ConfigurationException(source, schemaErrors);
            }

            var registry = document.RootElement.Deserialize(GridRegistryJsonContext.Default.GridRegistryDocument)
                ?? throw new ConfigurationException(source, [new ConfigError("/", null, "the document is null", "write a registry object")]);
            var errors = Check(registry);
            return errors.Count > 0 ? throw new ConfigurationException(source, errors) : new GridRegistry(registry, source);
        }
    }

    private static List<ConfigError> Check(GridRegistryDocument r)
    {
        var errors = new List<ConfigError>();
        var districts = Unique(r.Districts, d => d.Id, "districts", errors);
        var streets = Unique(r.Streets, s => s.Id, "streets", errors);
        var communities = Unique(r.Communities, c => c.Id, "communities", errors);
        Unique(r.Grids, g => g.Id, "grids", errors);

        for (int i = 0; i < r.Streets.Count; i++)
        {
            Resolve(districts, r.Streets[i].District, $"/streets/{i}/district", "district", "districts", errors);
        }

        for (int i = 0; i < r.Communities.Count; i++)
        {
            Resolve(streets, r.Communities[i].Street, $"/communities/{i}/street", "street", "streets", errors);
        }

        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < r.Grids.Count; i++)
        {
            var grid = r.Grids[i];
            Resolve(communities, grid.Community, $"/grids/{i}/community", "community", "communities", errors);
            for (int n = 0; n < grid.Nodes.Count; n++)
            {
                if (!nodes.TryAdd(grid.Nodes[n], grid.Id))
                {
                    errors.Add(new ConfigError($"/grids/{i}/nodes/{n}", Quoted(grid.Nodes[n]), $"the node is already in grid '{nodes[grid.Nodes[n]]}'", "a node stands in one grid cell: remove it from one of them"));
                }
            }
        }

        var users = new HashSet<string>(StringComparer.Ordinal);
        var domains = QuantityCatalogue.Default.Entries.Select(q => q.Domain).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < r.Consumers.Count; i++)
        {
            var c = r.Consumers[i];
            string at = $"/consumers/{i}";
            if (!users.Add(c.User))
            {
                errors.Add(new ConfigError($"{at}/user", Quoted(c.User), "the user is listed twice", "give each consumer one entry (one role per broker user)"));
            }

            if (nodes.ContainsKey(c.User))
            {
                errors.Add(new ConfigError($"{at}/user", Quoted(c.User), "the user is also a node id", "a node's user name is its node id: give the consumer another user name"));
            }

            if (c.Role == ConsumerRoles.District)
            {
                Resolve(districts, c.District!, $"{at}/district", "district", "districts", errors);
            }
            else if (c.Role == ConsumerRoles.Street)
            {
                Resolve(streets, c.Street!, $"{at}/street", "street", "streets", errors);
            }

            for (int d = 0; d < c.Domains.Count; d++)
            {
                if (!domains.Contains(c.Domains[d]))
                {
                    errors.Add(new ConfigError($"{at}/domains/{d}", Quoted(c.Domains[d]), "no quantity of the catalogue is in this domain", "use one of: " + string.Join(", ", domains.Order(StringComparer.Ordinal))));
                }
            }
        }

        return errors;
    }

    private static HashSet<string> Unique<T>(IReadOnlyList<T> items, Func<T, string> id, string list, List<ConfigError> errors)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            string key = id(items[i]);
            if (!seen.TryAdd(key, i))
            {
                errors.Add(new ConfigError($"/{list}/{i}/id", Quoted(key), $"listed twice (also /{list}/{seen[key]})", $"ids are unique in the city: remove the second entry or rename it"));
            }
        }

        return [.. seen.Keys];
    }

    private static void Resolve(HashSet<string> known, string value, string path, string what, string list, List<ConfigError> errors)
    {
        if (!known.Contains(value))
        {
            errors.Add(new ConfigError(path, Quoted(value), $"unknown {what}", known.Count == 0 ? $"add it to \"{list}\"" : $"add it to \"{list}\" or use one of: {string.Join(", ", known.Order(StringComparer.Ordinal).Take(20))}"));
        }
    }

    private static string Quoted(string value) => "\"" + value + "\"";
}
