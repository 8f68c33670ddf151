using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Notifications;
using CityBrain.Testing;
using Json.Schema;

namespace CityBrain.Hub.Tests.Notifications;

/// <summary>What a webhook receives matches firmware-config/schemas/notification.v1.schema.json (the alert inside: alert.v1).</summary>
public sealed class NotificationSchemaTests
{
    private static readonly JsonSchema Schema = Build();

    [Theory]
    [InlineData(NotificationEvents.Raised, "grid")]
    [InlineData(NotificationEvents.Escalated, "district")]
    public void Body_IsValidAgainstTheSchema(string ev, string level)
    {
        var alert = new Alert
        {
            Id = "19e8310d920-2", Rule = "node-offline", Kind = AlertKinds.Offline, Severity = AlertSeverities.Critical,
            State = AlertStates.Raised, Node = "node-2", District = "harbour", Grid = "h1", Value = 130, Unit = "s",
            Message = "node node-2 offline (connection_lost)", RaisedAt = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero),
        };
        var message = new NotificationMessage { Key = $"{alert.Id}:{ev}:ops", Event = ev, Level = level, Channel = "ops", Hub = "hub-a", Ts = 1780315200000, Alert = AlertMessage.From(alert) };
        string json = JsonSerializer.Serialize(message, NotificationJsonContext.Default.NotificationMessage);

        var result = Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, json);
        Assert.False(Schema.Evaluate(JsonDocument.Parse(json.Replace("\"state\":\"raised\"", "\"state\":\"gone\"", StringComparison.Ordinal)).RootElement).IsValid);
    }

    private static JsonSchema Build()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "alert.v1.schema.json")), options);
        return JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "notification.v1.schema.json")), options);
    }
}
