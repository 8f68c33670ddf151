namespace CityBrain.Provisioning.Registry;

/// <summary>
/// The InfluxDB 1.x statements that give each department of the grid registry read access to its domains only: one
/// database per domain (<c>{database}_{domain}</c>, filled by a hub sink with <c>Domains</c>) and a <c>GRANT READ</c>
/// on it to the department's user (docs/grid-registry.md). Users are created beforehand with their own passwords
/// (<c>CREATE USER "dept-sanitation" WITH PASSWORD '...'</c>), which never go through the registry.
/// </summary>
public static class InfluxGrantsGenerator
{
    /// <summary>The database holding <paramref name="domain"/>'s points.</summary>
    public static string DatabaseFor(string database, string domain) => $"{database}_{domain}";

    public static IReadOnlyList<string> Statements(GridRegistry registry, string database)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var departments = registry.Document.Consumers.Where(c => c.Role == ConsumerRoles.Department).ToList();
        var statements = departments.SelectMany(c => c.Domains).Distinct(StringComparer.Ordinal)
            .Select(d => $"CREATE DATABASE \"{DatabaseFor(database, d)}\"")
            .ToList();
        foreach (var department in departments)
        {
            statements.AddRange(department.Domains.Select(d => $"GRANT READ ON \"{DatabaseFor(database, d)}\" TO \"{department.User}\""));
        }

        return statements;
    }
}
