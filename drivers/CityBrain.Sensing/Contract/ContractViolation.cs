namespace CityBrain.Sensing.Contract;

/// <summary>Why a message broke the contract: a stable code (counted, used in dead letters) and a message saying what and where.</summary>
public sealed record ContractViolation(string Code, string Message)
{
    public const string InvalidJson = "invalid_json";
    public const string SchemaVersion = "schema_version";
    public const string MissingField = "missing_field";
    public const string WrongType = "wrong_type";
    public const string InvalidValue = "invalid_value";
    public const string TooLarge = "too_large";
    public const string Topic = "topic";
    public const string NodeMismatch = "node_mismatch";

    /// <summary>The node's claimed place (topic levels, status location) is not where the grid registry has it (docs/grid-registry.md).</summary>
    public const string LocationMismatch = "location_mismatch";

    /// <summary>A reading's <c>ts</c> outside 2000-01-01..2100-01-01 (an unsynchronised clock, seconds for milliseconds).</summary>
    public const string BadTimestamp = "bad_timestamp";

    /// <summary>A point the database refused (its answer in the reason).</summary>
    public const string WriteRejected = "write_rejected";

    public override string ToString() => $"{Code}: {Message}";
}
