using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Hub.Alerts;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using Json.Schema;

namespace CityBrain.Hub.Tests.Alerts;

/// <summary>What the hub publishes matches firmware-config/schemas/alert.v1.schema.json.</summary>
public sealed class AlertSchemaTests
{
    private static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "alert.v1.schema.json")));

    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Alert Threshold = new()
    {
        Id = "19e8310d920-1", Rule = "pm25-limit", Kind = AlertKinds.Threshold, Severity = AlertSeverities.Warning,
        State = AlertStates.Raised, Node = "node-1", Sensor = "air", Quantity = "pm2_5", District = "centre", Grid = "c4",
        Street = "station-road", Value = 81.2, Unit = "ug/m3", Threshold = 75, Message = "PM2.5 over the limit: pm2_5 81.2 ug/m3 above 75", RaisedAt = At,
    };

    private static readonly Alert Offline = new()
    {
        Id = "19e8310d920-2", Rule = "node-offline", Kind = AlertKinds.Offline, Severity = AlertSeverities.Critical,
        State = AlertStates.Raised, Node = "node-2", District = "harbour", Grid = "h1", Value = 130, Unit = "s",
        Message = "node node-2 offline (connection_lost)", RaisedAt = At,
    };

    public static TheoryData<string> Messages() =>
    [
        Serialize(Threshold),
        Serialize(Threshold with { State = AlertStates.Acknowledged, AckBy = "alice", AckAt = At.AddMinutes(2) }),
        Serialize(Threshold with { State = AlertStates.Cleared, AckBy = "alice", AckAt = At.AddMinutes(2), ClearedAt = At.AddMinutes(30), Value = 58 }),
        Serialize(Offline),
        Serialize(Offline with { State = AlertStates.Cleared, ClearedAt = At.AddMinutes(5) }),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Published_Message_IsValidAgainstTheSchema(string json)
    {
        var result = Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, json + " → " + JsonSerializer.Serialize((result.Details ?? []).Where(d => d.Errors is not null).Select(d => new { d.InstanceLocation, d.Errors })));
    }

    [Fact]
    public void Schema_RejectsAnUnknownState()
    {
        var node = JsonNode.Parse(Serialize(Threshold))!;
        node["state"] = "resolved";

        Assert.False(Schema.Evaluate(JsonDocument.Parse(node.ToJsonString()).RootElement).IsValid);
    }

    private static string Serialize(Alert alert) => System.Text.Encoding.UTF8.GetString(ContractJson.Serialize(AlertMessage.From(alert)));
}
