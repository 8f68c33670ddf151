using System.Text;

namespace CityBrain.Provisioning.Registry;

/// <summary>
/// Turns a grid registry into a Mosquitto ACL file (acl_file): one block per node, pinned to its registered district
/// and grid, and one per consumer with its role's least privilege (docs/grid-registry.md). No <c>pattern</c> lines: a
/// pattern applies to every user, so <c>citybrain/v1/+/+/%u/...</c> would let a node publish under any district.
/// Deterministic: the same registry gives the same bytes (deploy/mosquitto/acl is this output for
/// deploy/grids.example.json, and a test keeps them equal).
/// </summary>
public static class MosquittoAclGenerator
{
    public const string Prefix = "citybrain/v1/";

    /// <summary>The node's on-call command topic (the node subscribes; consumers in scope publish).</summary>
    public const string Cmd = "cmd";

    /// <summary>The hub's end-to-end acknowledgement to a node (the node subscribes; hub instances publish).</summary>
    public const string Ack = "ack";

    /// <summary>
    /// Where nodes answer commands: <c>citybrain/v1/_replies/{requester}/{node}</c>, the MQTT 5 response topic the
    /// requester names (its own broker user as the requester level; docs/mqtt-contract.md, "cmd").
    /// </summary>
    public const string Replies = "citybrain/v1/_replies/";

    /// <param name="sourceName">The registry's file name as shown in the header (no machine-specific path).</param>
    public static string Generate(GridRegistry registry, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var acl = new StringBuilder();
        acl.Append($"""
            # Mosquitto ACL for CityBrain Edge (acl_file in mosquitto.conf), city '{registry.City}'.
            # GENERATED from {sourceName} by `citybrain acl --registry {sourceName}`: edit the registry and regenerate, do not edit here.
            # Topic namespace: citybrain/v1/{"{district}/{grid}/{node}"}/{"{telemetry|status|health|config|config/state|cmd|ack}"}
            # Hub outputs: citybrain/v1/_hub/... (dead letters), citybrain/v1/_alerts/{"{district}/{grid}/{node}"}/..., citybrain/v1/_catalogue/...
            # On-call answers: citybrain/v1/_replies/{"{requester}/{node}"} (the response topic a requester names).
            # Roles and what each may do: docs/grid-registry.md. A user not named here may do nothing.

            """).Append('\n');

        acl.Append("""
            # --- Nodes: a node's MQTT user name is its node id. It may publish only its own telemetry, status (birth and
            # Will), health, config answers and command answers, under its registered district and grid, and read only its
            # own config, commands and the hub's acknowledgements. Moving a node = moving it in the registry and regenerating.

            """);
        foreach (var (node, place) in registry.Nodes)
        {
            string own = $"{Prefix}{place.District}/{place.Grid}/{node}/";
            acl.Append($"user {node}\n")
                .Append($"topic write {own}telemetry\n")
                .Append($"topic write {own}status\n")
                .Append($"topic write {own}health\n")
                .Append($"topic read  {own}config\n")
                .Append($"topic write {own}config/state\n")
                .Append($"topic read  {own}{Cmd}\n")
                .Append($"topic read  {own}{Ack}\n")
                .Append($"topic write {Replies}+/{node}\n\n");
        }

        acl.Append("""
            # --- Consumers. Shared subscriptions ($share/group/filter) are checked against the plain filter.

            """);
        foreach (var consumer in registry.Document.Consumers)
        {
            acl.Append($"# {Describe(consumer)}\n").Append($"user {consumer.User}\n");
            foreach (string line in Lines(registry, consumer))
            {
                acl.Append(line).Append('\n');
            }

            acl.Append('\n');
        }

        return acl.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>The ACL lines of one consumer's role.</summary>
    public static IEnumerable<string> Lines(GridRegistry registry, RegistryConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(consumer);
        const string catalogue = "topic read  citybrain/v1/_catalogue/#";
        switch (consumer.Role)
        {
            case ConsumerRoles.Hub:
                // Everything under the root (so topics outside the namespace can be dead-lettered); writes its outputs,
                // the end-to-end acknowledgements and, for the operators' view, commands to any node (the view scopes its users itself).
                return ["topic read  citybrain/#", "topic write citybrain/v1/_hub/#", "topic write citybrain/v1/_alerts/#", "topic write citybrain/v1/_catalogue/#", $"topic write {Prefix}+/+/+/{Cmd}", $"topic write {Prefix}+/+/+/{Ack}"];
            case ConsumerRoles.Provisioning:
                return [$"topic write {Prefix}+/+/+/config", $"topic read  {Prefix}+/+/+/config/state", $"topic read  {Prefix}+/+/+/status", $"topic read  {Prefix}+/+/+/health"];
            case ConsumerRoles.City:
                return ["topic read  citybrain/v1/#", $"topic write {Prefix}+/+/+/{Cmd}"]; // its answers are under citybrain/v1/_replies/ too
            case ConsumerRoles.District:
                string d = consumer.District!;
                return [$"topic read  {Prefix}{d}/#", $"topic read  {Prefix}_alerts/{d}/#", catalogue, $"topic write {Prefix}{d}/+/+/{Cmd}", $"topic read  {Replies}{consumer.User}/#"];
            case ConsumerRoles.Street:
                var lines = new List<string>();
                foreach (var grid in registry.Grids.Where(g => g.Street == consumer.Street))
                {
                    lines.Add($"topic read  {Prefix}{grid.District}/{grid.Grid}/#");
                    lines.Add($"topic read  {Prefix}_alerts/{grid.District}/{grid.Grid}/#");
                    lines.Add($"topic write {Prefix}{grid.District}/{grid.Grid}/+/{Cmd}");
                }

                lines.Add(catalogue);
                lines.Add($"topic read  {Replies}{consumer.User}/#");
                return lines;
            case ConsumerRoles.Department:
                // No node topics: a department reads its domains from its own database (docs/grid-registry.md).
                return [catalogue];
            default:
                throw new ArgumentException($"unknown role '{consumer.Role}'", nameof(consumer));
        }
    }

    private static string Describe(RegistryConsumer c) => c.Role switch
    {
        ConsumerRoles.Hub => "hub instance: reads everything, writes its outputs and commands (one user per instance)",
        ConsumerRoles.Provisioning => "provisioning (technicians' CLI): pushes node configuration",
        ConsumerRoles.City => "city brain: reads all, may command any node",
        ConsumerRoles.District => $"district command centre of '{c.District}': its district and its alerts, commands to its nodes",
        ConsumerRoles.Street => $"street office of '{c.Street}': its grids and their alerts, commands to its nodes",
        ConsumerRoles.Department => $"department ({string.Join(", ", c.Domains)}): its domains from its own database, no node topics",
        _ => c.Role,
    };
}
