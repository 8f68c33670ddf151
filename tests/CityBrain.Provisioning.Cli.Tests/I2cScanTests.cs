using System.Text.Json;
using CityBrain.Provisioning.Schemas;
using CityBrain.Testing.I2c;

namespace CityBrain.Provisioning.Cli.Tests;

/// <summary>
/// <c>citybrain scan --i2c N</c> through the command's entry point (<see cref="CliApp"/>) with simulated chips on the
/// bus in place of /dev/i2c-N; and a bus that does not exist through the real binary on this machine's (absent) /dev/i2c-250.
/// </summary>
[Trait("Category", "Cli")]
public sealed class I2cScanTests
{
    /// <summary>A BME280 and a BH1750 at their defaults, a chip at 0x44 (an SHT3x or SHT4x), an EEPROM at 0x50 no driver reads, and an unplugged VL53L0X.</summary>
    private static SimulatedI2cBuses Bench() => new SimulatedI2cBuses()
        .Add(1, new RegisterChip(0x23))
        .Add(1, new RegisterChip(0x44))
        .Add(1, new RegisterChip(0x50))
        .Add(1, new RegisterChip(0x76))
        .Add(1, new RegisterChip(0x29) { Unplugged = true })
        .Add(3, new RegisterChip(0x48));

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(SimulatedI2cBuses buses, string[] args, CancellationToken cancellationToken = default)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, buses, stdout, stderr, cancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Scan_Json_ListsTheAnsweringAddressesWithTheirLikelyChips()
    {
        var (code, stdout, stderr) = await RunAsync(Bench(), ["scan", "--i2c", "1", "--json"]);

        Assert.True(code == 0, stdout + stderr);
        var json = CliRun.CheckedJson(stdout);
        var result = json["result"]!;
        Assert.Equal("i2c", result["transport"]!.GetValue<string>());
        Assert.Equal(1, result["bus"]!.GetValue<int>());
        var found = result["found"]!.AsArray().Select(f => (Address: f!["address"]!.GetValue<int>(), Chips: f["chips"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray())).ToArray();
        Assert.Equal([0x23, 0x44, 0x50, 0x76], found.Select(f => f.Address));
        Assert.Equal(["bh1750"], found[0].Chips);
        Assert.Equal(["sht3x", "sht4x"], found[1].Chips);
        Assert.Empty(found[2].Chips);
        Assert.Equal(["bme280"], found[3].Chips);
        Assert.Contains("] 112/112 done", stderr, StringComparison.Ordinal); // the progress bar went to stderr, to the end
    }

    [Fact]
    public async Task Scan_Text_SaysWhichChipEachAddressLikelyIs()
    {
        var (code, stdout, stderr) = await RunAsync(Bench(), ["scan", "--i2c", "3"]);

        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(["i2c-3 0x48: likely ads1115", "1 found."], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Scan_ABusWhereNothingAnswers_ExitsOne()
    {
        var (code, stdout, _) = await RunAsync(Bench(), ["scan", "--i2c", "2", "--json"]);

        Assert.Equal(1, code);
        var json = CliRun.CheckedJson(stdout);
        Assert.Empty(json["result"]!["found"]!.AsArray());
        Assert.False(json["result"]!["interrupted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Scan_CtrlC_StopsAndReportsWhatWasFound()
    {
        var hung = new RegisterChip(0x30);
        hung.Gate.Reset(); // the transfer at 0x30 blocks, as on a bus a device holds
        var after = new RegisterChip(0x44);
        var buses = new SimulatedI2cBuses().Add(1, new RegisterChip(0x23)).Add(1, hung).Add(1, after);
        using var ctrlC = new CancellationTokenSource();
        var run = Task.Run(() => RunAsync(buses, ["scan", "--i2c", "1", "--json"], ctrlC.Token));
        Assert.True(hung.Hanging.Wait(TimeSpan.FromSeconds(30)), "the scan never reached 0x30");

        ctrlC.Cancel();
        hung.Gate.Set();
        var (code, stdout, stderr) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 130, stdout + stderr);
        var result = CliRun.CheckedJson(stdout)["result"]!;
        Assert.True(result["interrupted"]!.GetValue<bool>());
        Assert.Equal([0x23, 0x30], result["found"]!.AsArray().Select(f => f!["address"]!.GetValue<int>())); // 0x30 answered once released
        Assert.Equal(0, after.Transfers); // and the scan stopped there
    }

    [Theory]
    [InlineData("""{ "bus": 1, "address": 118 }""")] // no chips
    [InlineData("""{ "bus": 1, "address": 200, "chips": [] }""")] // not a 7-bit address
    [InlineData("""{ "bus": 1, "address": 118, "chips": ["BME 280"] }""")] // not a chip name
    [InlineData("""{ "bus": 1, "address": 118, "chips": [], "unit": 1 }""")] // an I2C and a Modbus entry at once
    [InlineData("""{ "unit": 1 }""")] // a Modbus entry without its answer
    public void Schema_RejectsAFoundEntryOfNeitherShape(string entry)
    {
        string document = $$"""{ "v": 1, "command": "scan", "ok": true, "exitCode": 0, "result": { "transport": "i2c", "found": [{{entry}}], "interrupted": false } }""";
        using var parsed = JsonDocument.Parse(document);

        Assert.NotEmpty(SchemaCheck.Evaluate(EmbeddedSchemas.Get(EmbeddedSchemas.CliOutput), parsed.RootElement));
    }

    [Fact]
    public async Task Scan_ABusThatDoesNotExist_SaysWhichAndHowToEnableIt()
    {
        // The real binary and the real /dev/i2c-N: there is no bus 250 on a build machine (nor on a Pi).
        await using var scan = await CliRun.RunAsync(["scan", "--i2c", "250"]);

        Assert.True(scan.ExitCode == 3, scan.ToString());
        Assert.Contains("citybrain scan: I2C bus 250 does not exist (/dev/i2c-250 not found): enable I2C (dtparam=i2c_arm=on", scan.Stderr, StringComparison.Ordinal);
        Assert.Contains("ls /dev/i2c-*", scan.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", scan.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, scan.Stdout.Trim());

        await using var json = await CliRun.RunAsync(["scan", "--i2c", "250", "--json"]);
        Assert.Equal(3, json.ExitCode);
        Assert.Contains("/dev/i2c-250", json.Json()["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
