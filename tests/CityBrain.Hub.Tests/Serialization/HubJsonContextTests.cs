using System.Text;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Serialization;

/// <summary>
/// The source-generated contexts the NativeAOT hub uses (<see cref="HubJsonContext"/>, <see cref="ContractJsonContext"/>)
/// write exactly what the reflection serializer with <see cref="ContractJson.Options"/> wrote, and read documents with
/// missing properties to the same defaults (dotnet/runtime#84484: the generator can drop `init` defaults).
/// </summary>
public sealed class HubJsonContextTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Alert Sample = new()
    {
        Id = "19e8310d920-1", Rule = "pm25-limit", Kind = AlertKinds.Threshold, Severity = AlertSeverities.Warning,
        State = AlertStates.Acknowledged, Node = "node-1", Sensor = "air", Quantity = "pm2_5", District = "centre", Grid = "c4",
        Value = 81.2, Unit = "ug/m3", Threshold = 75, Message = "PM2.5 over the limit", RaisedAt = At, AckBy = "alice", AckAt = At.AddMinutes(2),
    };

    private static string Reflection<T>(T value) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, ContractJson.Options));

    [Fact]
    public void AlertMessage_SameBytesAsReflection()
    {
        var message = AlertMessage.From(Sample);
        Assert.Equal(Reflection(message), Encoding.UTF8.GetString(ContractJson.Serialize(message, HubJsonContext.Default.AlertMessage)));
        var cleared = AlertMessage.From(Sample with { State = AlertStates.Cleared, ClearedAt = At.AddMinutes(9), Sensor = null, Quantity = null });
        Assert.Equal(Reflection(cleared), Encoding.UTF8.GetString(ContractJson.Serialize(cleared, HubJsonContext.Default.AlertMessage)));
    }

    [Fact]
    public void DeadLetterMessage_SameBytesAsReflection()
    {
        var letter = new DeadLetterMessage { Code = ContractViolation.InvalidJson, Reason = "not valid JSON at $", Topic = "citybrain/v1/a/b/n/telemetry", ReceivedTimestamp = 1_780_000_000_000, PayloadBytes = 3 };
        Assert.Equal(Reflection(letter), Encoding.UTF8.GetString(ContractJson.Serialize(letter, ContractJsonContext.Default.DeadLetterMessage)));
    }

    [Fact]
    public void HealthSnapshot_SameBytesAsReflection_AndRoundTrips()
    {
        var registry = RegistryWithOneNode();
        var snapshot = new HealthSnapshotFile { SavedAt = At, Nodes = registry.GetNodes(), Sections = { [AlertSnapshot.SectionName] = JsonSerializer.SerializeToElement<IReadOnlyList<Alert>>([Sample], HubJsonContext.Default.IReadOnlyListAlert) } };
        string generated = JsonSerializer.Serialize(snapshot, HubJsonContext.Default.HealthSnapshotFile);
        Assert.Equal(Reflection(snapshot), generated);

        var back = JsonSerializer.Deserialize(generated, HubJsonContext.Default.HealthSnapshotFile)!;
        Assert.Equal(JsonSerializer.Serialize(back, ContractJson.Options), JsonSerializer.Serialize(JsonSerializer.Deserialize<HealthSnapshotFile>(generated, ContractJson.Options), ContractJson.Options));
        Assert.Equal("node-1", Assert.Single(back.Nodes).Node);
        Assert.Equal(Sample, Assert.Single(back.Sections[AlertSnapshot.SectionName].Deserialize(HubJsonContext.Default.IReadOnlyListAlert)!));
    }

    [Fact]
    public void HealthSnapshot_MissingProperties_KeepTheirDefaults()
    {
        var file = JsonSerializer.Deserialize("{\"savedAt\":\"2026-06-01T12:00:00+00:00\",\"nodes\":[{\"node\":\"n\",\"district\":\"d\",\"grid\":\"g\",\"status\":\"ok\",\"state\":\"online\",\"sequence\":{\"highestSeq\":1,\"received\":1,\"missing\":0,\"duplicates\":0,\"lateArrivals\":0},\"sensors\":[{\"id\":\"s\",\"status\":\"ok\"}]}]}", HubJsonContext.Default.HealthSnapshotFile)!;
        Assert.Equal(HealthSnapshotFile.CurrentVersion, file.V);
        Assert.NotNull(file.Sections);
        Assert.Empty(file.Sections);
        var node = Assert.Single(file.Nodes);
        var sensor = Assert.Single(node.Sensors);
        Assert.NotNull(sensor.Quantities);
        Assert.Empty(sensor.Quantities);

        var noNodes = JsonSerializer.Deserialize("{\"v\":1}", HubJsonContext.Default.HealthSnapshotFile)!;
        Assert.NotNull(noNodes.Nodes);
        Assert.Empty(noNodes.Nodes);
        var noSensors = JsonSerializer.Deserialize("{\"nodes\":[{\"node\":\"n\",\"district\":\"d\",\"grid\":\"g\",\"status\":\"ok\",\"state\":\"online\",\"sequence\":{\"highestSeq\":1,\"received\":1,\"missing\":0,\"duplicates\":0,\"lateArrivals\":0}}]}", HubJsonContext.Default.HealthSnapshotFile)!;
        Assert.Empty(Assert.Single(noSensors.Nodes).Sensors);
    }

    [Fact]
    public void StatusAndHealth_MissingVersion_DefaultsToOne_AsWithReflection()
    {
        const string status = "{\"node\":\"n\",\"state\":\"online\"}";
        Assert.Equal(JsonSerializer.Deserialize<StatusMessage>(status, ContractJson.Options)!.Version, JsonSerializer.Deserialize(status, ContractJsonContext.Default.StatusMessage)!.Version);
        Assert.Equal(1, JsonSerializer.Deserialize(status, ContractJsonContext.Default.StatusMessage)!.Version);
        const string buffer = "{\"readings\":3,\"dropped\":{}}";
        Assert.Equal("disk", JsonSerializer.Deserialize<BufferHealth>(buffer, ContractJson.Options)!.Kind);
        const string healthJson = "{\"node\":\"n\",\"ts\":1,\"buffer\":{\"readings\":3,\"dropped\":{}},\"publish\":{},\"sensors\":[]}";
        var health = JsonSerializer.Deserialize(healthJson, ContractJsonContext.Default.HealthMessage)!;
        Assert.Equal(1, health.Version);
        Assert.Equal("disk", health.Buffer.Kind);
        Assert.Equal(JsonSerializer.Serialize(JsonSerializer.Deserialize<HealthMessage>(healthJson, ContractJson.Options), ContractJson.Options), JsonSerializer.Serialize(health, ContractJson.Options));
    }

    private static HealthRegistry RegistryWithOneNode()
    {
        var time = new FakeTimeProvider(At);
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions { SnapshotPath = "" }), time, new HealthMetrics());
        var node = new NodeMessages("centre", "c4", "node-1", street: "elm-street");
        registry.OnStatus(node.Topic("status"), node.Online(time.GetUtcNow(), ("bin-07", "fill_level", "%", 60_000)), time.GetUtcNow());
        for (int i = 0; i < 3; i++)
        {
            registry.OnTelemetry(node.Topic("telemetry"), node.Telemetry(time.GetUtcNow(), ("bin-07", "fill_level", 40 + i, "%")), time.GetUtcNow());
            time.Advance(TimeSpan.FromMinutes(1));
        }

        registry.OnHealth(node.Topic("health"), node.Health(time.GetUtcNow(), 60, 77), time.GetUtcNow());
        return registry;
    }
}
