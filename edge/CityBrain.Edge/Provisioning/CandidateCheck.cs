using System.Text;
using System.Text.Json;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Signing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Contract;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Edge.Provisioning;

/// <summary>
/// Everything a configuration must pass before it touches the running node: the signature (a push), the node's own
/// loader with the drivers' resource checks, the revision (higher than the running one: a replay is refused), and what
/// a running node cannot change in place (its id and its buffer).
/// </summary>
internal static class CandidateCheck
{
    /// <summary>The configuration's revision and either the loaded configuration or why it is refused.</summary>
    public sealed record Result(long Revision, byte[]? Bytes, LoadedNodeConfiguration? Loaded, string? Refusal);

    public static async Task<Result> RunAsync(
        ConfigCandidate candidate, LoadedNodeConfiguration running, string configPath, TrustStore trust, DriverRegistry drivers, CancellationToken cancellationToken)
    {
        var current = running.Configuration;
        byte[] bytes = candidate.Payload;
        long revision = 0;
        if (candidate.Source == ConfigStateMessage.FromPush)
        {
            var verified = EnvelopeVerifier.Verify(candidate.Payload, current.Node.Id, trust, out var envelope, out string why);
            revision = envelope?.Revision ?? 0;
            if (verified is null)
            {
                return new Result(revision, null, null, why);
            }

            bytes = verified;
        }

        LoadedNodeConfiguration next;
        string label = candidate.Source == ConfigStateMessage.FromPush ? $"pushed configuration (revision {revision})" : configPath;
        try
        {
            next = NodeConfigurationLoader.Parse(Encoding.UTF8.GetString(bytes), label, drivers, Path.GetDirectoryName(Path.GetFullPath(configPath)));
            await NodeConfigurationLoader.CheckResourcesAsync(next, drivers, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            return new Result(revision == 0 ? RevisionOf(bytes) : revision, null, null, "invalid: " + ex.Message);
        }

        var c = next.Configuration;
        if (candidate.Source == ConfigStateMessage.FromPush && c.Revision != revision)
        {
            return new Result(revision, null, null, $"the envelope says revision {revision} but the configuration inside has {c.Revision}");
        }

        if (c.Revision <= current.Revision)
        {
            return new Result(c.Revision, null, null, $"revision {c.Revision} is not higher than the running revision {current.Revision} (a replayed or stale configuration); raise \"revision\" above {current.Revision}");
        }

        if (c.Node.Id != current.Node.Id)
        {
            return new Result(c.Revision, null, null, $"/node/id is \"{c.Node.Id}\" but this node is \"{current.Node.Id}\"; a node's id does not change by configuration");
        }

        if (c.Buffer != current.Buffer)
        {
            return new Result(c.Revision, null, null, "/buffer differs from the running configuration; the buffer carries readings across the change, so change it on the node and restart the service");
        }

        return new Result(c.Revision, bytes, next, null);
    }

    /// <summary>The revision of a configuration that did not load (for the answer), or 0.</summary>
    private static long RevisionOf(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("revision", out var r) && r.TryGetInt64(out long v) ? v : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
