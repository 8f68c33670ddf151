using System.Text.Json.Nodes;
using CityBrain.Testing.Serial;
using CityBrain.Testing.Servers;

namespace CityBrain.Provisioning.Cli.Tests;

/// <summary>
/// A technician's bench on loopback with the real command: init → validate → simulate a device → scan finds it → read
/// shows it in all word orders → read one sensor of the configuration through the node's driver; over Modbus TCP and
/// over RTU on a socat pty pair. --json output is checked against cli-output.v1 throughout.
/// </summary>
[Trait("Category", "Cli")]
public sealed class LoopbackWorkflowTests
{
    // pm2_5 of air-quality-pm2510's test vector: FLOAT32 ABCD 0x4168 0x0000 at holding register 2.
    private const double Pm25 = 14.5;

    [Fact]
    public async Task InitValidateSimulateScanRead_OverModbusTcp()
    {
        using var dir = new TempDirectory("cli-tcp");
        int port = FreePort.Get();
        string config = dir.Combine("node.json");

        await using (var init = await CliRun.RunAsync([
            "init", "-o", config, "--node", "n-bench-01", "--city", "metropolis", "--district", "harbour", "--street", "quay-road", "--grid", "g-0417",
            "--broker", "127.0.0.1:1883", "--buffer-path", dir.Combine("buffer"),
            "--bus", $"plc-1=modbus-tcp:127.0.0.1:{port}",
            "--sensor", "air-1=air-quality-pm2510@plc-1/1:1000", "--sensor", "env-01=simulated:environment:500", "--json"]))
        {
            Assert.True(init.ExitCode == 0, init.ToString());
            Assert.Equal(config, init.Json()["result"]!["written"]!.GetValue<string>());
        }

        await using (var validate = await CliRun.RunAsync(["validate", config]))
        {
            Assert.True(validate.ExitCode == 0, validate.ToString());
            Assert.Contains("valid (node n-bench-01, revision 1, 2 sensors", validate.Stdout, StringComparison.Ordinal);
        }

        await using var simulator = CliRun.Start("simulate", "modbus", "--template", "air-quality-pm2510", "--tcp", $"127.0.0.1:{port}", "--update-ms", "3600000");
        await simulator.WaitForOutputAsync("Listening: modbus-tcp", TimeSpan.FromSeconds(30));

        await using (var scan = await CliRun.RunAsync(["scan", "--tcp", $"127.0.0.1:{port}", "--units", "1-4", "--timeout-ms", "2000", "--json"]))
        {
            Assert.True(scan.ExitCode == 0, scan.ToString());
            var found = scan.Json()["result"]!["found"]!.AsArray();
            Assert.Equal([1], found.Select(f => f!["unit"]!.GetValue<int>()));
            Assert.Contains("[", scan.Stderr, StringComparison.Ordinal); // the progress bar went to stderr
        }

        await using (var read = await CliRun.RunAsync(["read", "--tcp", $"127.0.0.1:{port}", "--unit", "1", "--address", "0", "--count", "6", "--word-orders", "--timeout-ms", "2000", "--json"]))
        {
            Assert.True(read.ExitCode == 0, read.ToString());
            AssertWordOrders(read.Json());
        }

        await using (var text = await CliRun.RunAsync(["read", "--tcp", $"127.0.0.1:{port}", "--unit", "1", "--address", "2", "--count", "2", "--word-orders", "--timeout-ms", "2000"]))
        {
            Assert.True(text.ExitCode == 0, text.ToString());
            string row = text.Stdout.Split('\n').Single(l => l.StartsWith("2 ", StringComparison.Ordinal) && l.Contains("float32", StringComparison.Ordinal));
            Assert.Contains("14.5", row, StringComparison.Ordinal);
            foreach (string order in new[] { "ABCD", "DCBA", "BADC", "CDAB" })
            {
                Assert.Contains(order, text.Stdout, StringComparison.Ordinal);
            }
        }

        await using (var sensor = await CliRun.RunAsync(["read", "--config", config, "--sensor", "air-1", "--json"]))
        {
            Assert.True(sensor.ExitCode == 0, sensor.ToString());
            var readings = sensor.Json()["result"]!["readings"]!.AsArray();
            Assert.Equal(Pm25, readings.Single(r => r!["quantity"]!.GetValue<string>() == "pm2_5")!["value"]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task SimulateScanRead_OverModbusRtu_OnAPtyPair()
    {
        await using var pty = await PtyPair.StartAsync();
        await using var simulator = CliRun.Start("simulate", "modbus", "--template", "air-quality-pm2510", "--rtu", pty.A, "--parity", "none", "--unit", "7", "--update-ms", "3600000");
        await simulator.WaitForOutputAsync("Listening: modbus-rtu", TimeSpan.FromSeconds(30));

        await using (var scan = await CliRun.RunAsync(["scan", "--rtu", pty.B, "--parity", "none", "--bauds", "19200", "--units", "5-8", "--timeout-ms", "1000", "--json"]))
        {
            Assert.True(scan.ExitCode == 0, scan.ToString());
            var hit = Assert.Single(scan.Json()["result"]!["found"]!.AsArray());
            Assert.Equal(7, hit!["unit"]!.GetValue<int>());
            Assert.Equal(19200, hit["baud"]!.GetValue<int>());
        }

        await using var read = await CliRun.RunAsync(["read", "--rtu", pty.B, "--parity", "none", "--unit", "7", "--address", "0", "--count", "6", "--word-orders", "--timeout-ms", "2000", "--json"]);
        Assert.True(read.ExitCode == 0, read.ToString());
        AssertWordOrders(read.Json());
    }

    [Fact]
    public async Task Scan_CtrlC_StopsCleanlyAndPrintsWhatWasFound()
    {
        // On RTU a unit that is not there stays silent: after unit 7 every unit waits out the timeout, so Ctrl-C comes
        // long before the end.
        await using var pty = await PtyPair.StartAsync();
        await using var simulator = CliRun.Start("simulate", "modbus", "--template", "air-quality-pm2510", "--rtu", pty.A, "--parity", "none", "--unit", "7");
        await simulator.WaitForOutputAsync("Listening: modbus-rtu", TimeSpan.FromSeconds(30));

        await using var scan = CliRun.Start("scan", "--rtu", pty.B, "--parity", "none", "--bauds", "19200", "--units", "7-247", "--timeout-ms", "1000");
        await scan.WaitForOutputAsync("unit 7 at 19200 baud:", TimeSpan.FromSeconds(30));
        scan.Interrupt();
        await scan.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(scan.ExitCode == 130, scan.ToString());
        Assert.Contains("1 found before Ctrl-C", scan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", scan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplatesAndKeys_JsonOutput_MatchesTheSchema()
    {
        await using (var list = await CliRun.RunAsync(["templates", "list", "--json"]))
        {
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Contains(list.Json()["result"]!["templates"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "air-quality-pm2510");
        }

        await using (var show = await CliRun.RunAsync(["templates", "show", "air-quality-pm2510", "--json"]))
        {
            Assert.True(show.ExitCode == 0, show.ToString());
            var pm25 = show.Json()["result"]!["points"]!.AsArray().Single(p => p!["quantity"]!.GetValue<string>() == "pm2_5")!;
            Assert.Equal(2, pm25["address"]!.GetValue<int>());
            Assert.Equal("ug/m3", pm25["unit"]!.GetValue<string>());
        }

        using var dir = new TempDirectory("cli-keys");
        await using var keys = await CliRun.RunAsync(["keys", "new", "--dir", dir.Path, "--name", "tech", "--json"]);
        Assert.True(keys.ExitCode == 0, keys.ToString());
        string privateKey = keys.Json()["result"]!["privateKey"]!.GetValue<string>();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));
        }
        Assert.Contains("BEGIN PUBLIC KEY", await File.ReadAllTextAsync(dir.Combine("tech.pub.pem")), StringComparison.Ordinal);
    }

    private static void AssertWordOrders(JsonObject json)
    {
        var rows = json["result"]!["wordOrders"]!.AsArray();
        var pm25 = rows.Single(r => r!["address"]!.GetValue<int>() == 2 && r["type"]!.GetValue<string>() == "float32")!["values"]!;
        Assert.Equal(Pm25, pm25["ABCD"]!.GetValue<double>());
        Assert.NotEqual(Pm25, pm25["CDAB"]?.GetValue<double>() ?? double.NaN);
    }
}
