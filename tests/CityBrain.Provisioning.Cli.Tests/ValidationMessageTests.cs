using CityBrain.Testing.Servers;

namespace CityBrain.Provisioning.Cli.Tests;

/// <summary>
/// <c>citybrain validate</c> on one broken configuration per validation rule: exit 1, and the message names the path,
/// the value and the fix (text and --json); an unreadable file exits 2.
/// </summary>
[Trait("Category", "Cli")]
public sealed class ValidationMessageTests
{
    private const string Good = """
        {
          "version": 1, "revision": 1,
          "node": { "id": "n-val-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1", "port": 1883 },
          "buffer": { "kind": "disk", "path": "/tmp/citybrain-validate-buffer" },
          "buses": [ { "id": "plc-1", "kind": "modbus-tcp", "host": "127.0.0.1", "port": 5020, "timeoutMs": 500 } ],
          "sensors": [
            { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 1000 },
            { "id": "weather-1", "driver": "modbus", "bus": "plc-1", "unit": 3, "template": "weather-station-ws100", "intervalMs": 2000 }
          ]
        }
        """;

    public static TheoryData<string, string, string, string, string> Rules => new()
    {
        // rule, replace this, with this, expected path, expected value
        { "schema: id pattern", "\"id\": \"env-01\"", "\"id\": \"Env 01\"", "/sensors/0/id", "Env 01" },
        { "duplicate sensor id", "\"id\": \"weather-1\"", "\"id\": \"env-01\"", "/sensors/1/id", "\"env-01\"" },
        { "jitter >= interval", "\"intervalMs\": 1000 }", "\"intervalMs\": 1000, \"jitterMs\": 1000 }", "/sensors/0/jitterMs", "1000" },
        { "reconnect min > max", "\"port\": 1883 }", "\"port\": 1883, \"reconnectMinSeconds\": 40, \"reconnectMaxSeconds\": 30 }", "/mqtt/reconnectMinSeconds", "40" },
        { "password file missing", "\"port\": 1883 }", "\"port\": 1883, \"username\": \"n-val-01\", \"passwordFile\": \"/nonexistent/pw\" }", "/mqtt/passwordFile", "/nonexistent/pw" },
        { "TLS CA file missing", "\"port\": 1883 }", "\"port\": 1883, \"tls\": { \"enabled\": true, \"caFile\": \"/nonexistent/ca.pem\" } }", "/mqtt/tls/caFile", "/nonexistent/ca.pem" },
        { "unknown driver", "\"driver\": \"simulated\"", "\"driver\": \"telepathy\"", "/sensors/0/driver", "telepathy" },
        { "unknown bus kind", "\"kind\": \"modbus-tcp\"", "\"kind\": \"can-bus\"", "/buses/0/kind", "can-bus" },
        { "bus reference", "\"bus\": \"plc-1\"", "\"bus\": \"plc-9\"", "/sensors/1/bus", "plc-9" },
        { "modbus unit 0", "\"unit\": 3", "\"unit\": 0", "/sensors/1/unit", "0" },
        { "unknown template", "\"template\": \"weather-station-ws100\"", "\"template\": \"weather-station-ws999\"", "/sensors/1", "weather-station-ws999" },
        { "poll timeout shorter than bus timeout", "\"intervalMs\": 2000 }", "\"intervalMs\": 2000, \"timeoutMs\": 100 }", "/sensors/1/timeoutMs", "100" },
        { "JSON syntax", "\"version\": 1,", "\"version\": 1,,", "line 2", "" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Validate_BrokenConfig_ExitsOneNamingPathValueAndFix(string rule, string replace, string with, string path, string value)
    {
        Assert.Contains(replace, Good, StringComparison.Ordinal);
        using var dir = new TempDirectory("cli-validate");
        string file = dir.Combine("node.json");
        await File.WriteAllTextAsync(file, Good.Replace(replace, with, StringComparison.Ordinal));

        await using var text = await CliRun.RunAsync(["validate", file]);
        Assert.True(text.ExitCode == 1, $"{rule}: {text}");
        string line = text.Stdout.Split('\n').FirstOrDefault(l => l.Contains(path, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"{rule}: no line names {path}: {text}");
        Assert.Contains(value, line, StringComparison.Ordinal);
        Assert.Contains("Fix: ", line, StringComparison.Ordinal);

        await using var json = await CliRun.RunAsync(["validate", file, "--json"]);
        Assert.Equal(1, json.ExitCode);
        var problem = json.Json()["result"]!["problems"]!.AsArray().Select(p => p!.AsObject()).First(p => p["path"]!.GetValue<string>().StartsWith(path, StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(problem["fix"]!.GetValue<string>()));
        if (value.Length > 0)
        {
            Assert.Contains(value, problem["value"]!.GetValue<string>() + " " + problem["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_GoodConfig_ExitsZero()
    {
        using var dir = new TempDirectory("cli-validate");
        string file = dir.Combine("node.json");
        await File.WriteAllTextAsync(file, Good);
        await using var run = await CliRun.RunAsync(["validate", file, "--json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Json()["result"]!["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoInOneLine()
    {
        await using var run = await CliRun.RunAsync(["validate", "/nonexistent/node.json"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "simulate", "modbus", "--template", "weather-station-ws100", "--unit", "300")]
    [InlineData(2, "read", "--tcp", "127.0.0.1:99999")]
    [InlineData(2, "frobnicate")]
    [InlineData(3, "read", "--tcp", "127.0.0.1:1", "--timeout-ms", "200")]
    public async Task Errors_AreOneLineWithoutStackTrace(int exitCode, params string[] args)
    {
        await using var run = await CliRun.RunAsync(args);
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("citybrain", run.Stderr, StringComparison.Ordinal);
    }
}
