using System.Net.Http.Headers;
using System.Text;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Issue 15 item 3, departments: on a real InfluxDB 1.6 with authentication, the hub writes every point to the city
/// database and each department's domains to a database of their own (sinks with <c>Domains</c>); the statements
/// <c>citybrain grants</c> makes from the example registry give a department's user READ on its database only. The
/// sanitation department queries its bins and is refused the city database and the traffic department's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DepartmentDatabaseTests
{
    private const string Password = "dept-secret-1";

    [Fact]
    public async Task Department_QueriesItsDomainsDatabase_IsRefusedTheCityAndOtherDepartments()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartWithAuthAsync();
        var registry = await GridRegistryLoader.LoadAsync(RepoPaths.Combine("deploy", "grids.example.json"), CancellationToken.None);
        await influx.ExecuteAsync("CREATE DATABASE \"citybrain\"");
        foreach (string user in new[] { "dept-sanitation", "dept-traffic" })
        {
            await influx.ExecuteAsync($"CREATE USER \"{user}\" WITH PASSWORD '{Password}'");
        }

        var statements = InfluxGrantsGenerator.Statements(registry, "citybrain");
        Assert.Contains("GRANT READ ON \"citybrain_sanitation\" TO \"dept-sanitation\"", statements);
        foreach (string statement in statements)
        {
            await influx.ExecuteAsync(statement);
        }

        object Sink(string database, string[]? domains) => new { kind = "influx-v1", url = influx.Url, database, username = InfluxDb1Server.AdminUser, password = InfluxDb1Server.AdminPassword, domains };
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-departments", [
            Sink("citybrain", null), Sink("citybrain_sanitation", ["sanitation"]), Sink("citybrain_traffic", ["traffic"])]));
        await using var client = await TestMqtt.ConnectAsync(broker.Port, "department-node");

        // Ground truth: 3 messages of 3 readings each: a bin, a traffic loop and an air sensor.
        var node = new NodeMessages("harbour", "g-0417", "n-harbour-01");
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (int i = 0; i < 3; i++)
        {
            await client.PublishTelemetryAsync("harbour", "g-0417", "n-harbour-01", node.Telemetry(
                start.AddSeconds(i),
                ("bin-07", "fill_level", 40 + i, "%"),
                ("loop-01", "vehicle_count", 12 + i, "count"),
                ("env-01", "pm2_5", 8 + i, "ug/m3")));
        }

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "pm2_5") == 3 && await influx.CountAsync("citybrain_sanitation", "fill_level") == 3 && await influx.CountAsync("citybrain_traffic", "vehicle_count") == 3, TimeSpan.FromSeconds(20), "the points in the city and department databases");
        Assert.Equal(3, await influx.CountAsync("citybrain", "fill_level"));

        // The sanitation department reads its bins, and only bins are in its database.
        var (ok, body) = await QueryAsUserAsync(influx, "dept-sanitation", "citybrain_sanitation", "SELECT count(\"value\") FROM \"fill_level\"");
        Assert.True(ok, body);
        Assert.Contains(",3]", body, StringComparison.Ordinal); // [time, 3]
        (ok, body) = await QueryAsUserAsync(influx, "dept-sanitation", "citybrain_sanitation", "SHOW MEASUREMENTS");
        Assert.True(ok, body);
        Assert.Contains("fill_level", body, StringComparison.Ordinal);
        Assert.DoesNotContain("vehicle_count", body, StringComparison.Ordinal);
        Assert.DoesNotContain("pm2_5", body, StringComparison.Ordinal);

        // ... and is refused the city's database and the traffic department's.
        foreach (string database in new[] { "citybrain", "citybrain_traffic" })
        {
            (ok, body) = await QueryAsUserAsync(influx, "dept-sanitation", database, "SELECT count(\"value\") FROM \"vehicle_count\"");
            Assert.False(ok, $"dept-sanitation read {database}: {body}");
            Assert.Contains("not authorized", body, StringComparison.Ordinal);
        }

        // The traffic department reads its loops.
        (ok, body) = await QueryAsUserAsync(influx, "dept-traffic", "citybrain_traffic", "SELECT count(\"value\") FROM \"vehicle_count\"");
        Assert.True(ok, body);
        Assert.Contains(",3]", body, StringComparison.Ordinal);
    }

    /// <summary>Runs a query with the user's own credentials; whether InfluxDB answered it without an error, and its answer.</summary>
    private static async Task<(bool Ok, string Body)> QueryAsUserAsync(InfluxDb1Server influx, string user, string database, string influxQl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(influx.Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Password}")));
        using var response = await http.GetAsync($"query?db={Uri.EscapeDataString(database)}&q={Uri.EscapeDataString(influxQl)}");
        string body = await response.Content.ReadAsStringAsync();
        return (response.IsSuccessStatusCode && !body.Contains("\"error\"", StringComparison.Ordinal), body);
    }
}
