using System.Device.Gpio;
using System.Net;
using System.Text.Json;
using CityBrain.Drivers.Gpio;
using CityBrain.Drivers.I2c;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Hosting;
using CityBrain.Drivers.Modbus;
using CityBrain.Sensing.Hardware;
using CityBrain.Testing;
using CityBrain.Testing.Gpio;
using CityBrain.Testing.I2c;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Serial;
using CityBrain.Testing.Servers;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// One node configuration with every kind of field sensor — GPIO (pulse counter, bin lid), I2C (BME280, BH1750),
/// serial PM (SDS011 on a socat pty), Modbus TCP (the simulator serving a shipped template's test vector) and
/// simulated — run by the <c>citybrain-edge</c> service's own host (<see cref="EdgeServiceHost"/>, what Program.cs runs)
/// with the fake GPIO chip and simulated I2C chips injected through <see cref="EdgeHostOptions.ConfigureHardware"/>.
/// Every telemetry and health message at the real Mosquitto must be valid against the published schemas, and each
/// driver's values must be what its source produced.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MixedNodeTests
{
    private const int CountPin = 24;
    private const int LidPin = 5;
    private const string ModbusTemplate = "air-quality-pm2510";

    private static readonly JsonSchema TelemetrySchema = JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "telemetry.v1.schema.json")));
    private static readonly JsonSchema HealthSchema = JsonSchema.FromText(File.ReadAllText(RepoPaths.Combine("firmware-config", "schemas", "health.v1.schema.json")));

    private readonly ITestOutputHelper _output;

    public MixedNodeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EveryDriverKind_InTheServiceHost_ReadingsAtMosquitto_ValidAndExact()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/#");
        using var dir = new TempDirectory("edge-mixed");
        Directory.CreateDirectory(dir.Combine("trust"));

        // Modbus: the simulator serves the template's documented register dump; its clock never moves, so neither do the values.
        var template = await TemplateLoader.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", ModbusTemplate + ".json"), CancellationToken.None);
        var vector = await TemplateVector.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", ModbusTemplate + ".vector.json"), CancellationToken.None);
        await using var simulator = new ModbusSimulator();
        simulator.AddDevice(1, new SimulatedDevice(template, vector, timeProvider: new FakeTimeProvider()));
        var modbus = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));

        // Serial PM: an SDS011 writing its frame to the other end of a pty pair, as the sensor does every second.
        await using var pty = await PtyPair.StartAsync();
        using var stopSensor = new CancellationTokenSource();
        var pmSensor = Task.Run(async () =>
        {
            await using var line = new FileStream(pty.B, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            while (!stopSensor.IsCancellationRequested)
            {
                await line.WriteAsync(Sds011Frame);
                await line.FlushAsync();
                await Task.Delay(200, CancellationToken.None);
            }
        });

        // GPIO: a fake chip behind a real GpioController; I2C: datasheet-fed chips on bus 1.
        var gpio = new FakeGpioDriver();
        gpio.SetInitial(LidPin, PinValue.Low); // lid shut
        gpio.SetInitial(CountPin, PinValue.High); // pulled up, contact open
        var weather = new SimulatedBme280().WithDatasheetCalibration().WithHumidityCalibration(75, 362, 0, 0x13, 0x22, 0x03, 30);
        weather.NextRaw = (519888, 415148, 30000);
        var i2c = new SimulatedI2cBuses().Add(1, weather).Add(1, new SimulatedBh1750 { Raw = 1200 });

        string config = dir.Combine("node.json");
        await File.WriteAllTextAsync(config, Config(broker.Port, modbus.Port, pty.A, dir.Combine("buffer")));
        var builder = EdgeServiceHost.CreateBuilder(["--config", config, "--trust", dir.Combine("trust")]);
        builder.Services.AddSingleton(BuiltInDrivers.Create(RepoPaths.Combine("firmware-config", "templates")));
        builder.Services.Configure<EdgeHostOptions>(o => o.ConfigureHardware = hardware =>
        {
            GpioHardware.Register(hardware, new GpioChipHandle(new GpioController(gpio), "gpiochip0 \"fake\"", "FakeGpioDriver"));
            hardware.Register<II2cDeviceFactory>(I2cHardware.DeviceFactoryKey, i2c);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // The lid's first heartbeat (shut) and the counter's first reading, before any edge.
            await MqttCollector.WaitUntilAsync(() => Has(sub, "bike-01", "pulse_count") && Has(sub, "bin-07-lid", "lid_open"), TimeSpan.FromSeconds(30), "the counter's and the lid's first readings");
            for (int i = 0; i < 7; i++)
            {
                gpio.Set(CountPin, PinValue.Low);
                gpio.Set(CountPin, PinValue.High);
            }

            gpio.Set(LidPin, PinValue.High);
            await MqttCollector.WaitUntilAsync(
                () => Sum(sub, "bike-01", "pulse_count") == 7 && Values(sub, "bin-07-lid", "lid_open").Contains(1)
                    && Has(sub, "weather-1", "air_temperature") && Has(sub, "light-1", "illuminance")
                    && Has(sub, "pm-1", "pm2_5") && Has(sub, "air-1", "pm2_5") && Has(sub, "env-01", "air_temperature"),
                TimeSpan.FromSeconds(30),
                "a reading from every driver and the 7 pulses counted");
            await MqttCollector.WaitUntilAsync(() => sub.OnTopicEndingWith("/health").Any(m => m.Text.Contains("\"last_edge\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(15), "health with the GPIO detail");
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(20));
            await stopSensor.CancelAsync();
            await pmSensor;
        }

        // Every message the node published is valid against its published schema.
        var telemetry = sub.OnTopicEndingWith("/telemetry");
        var health = sub.OnTopicEndingWith("/health");
        foreach (var m in telemetry)
        {
            AssertValid(TelemetrySchema, m);
        }

        foreach (var m in health)
        {
            AssertValid(HealthSchema, m);
        }

        _output.WriteLine($"{telemetry.Count} telemetry and {health.Count} health messages, all valid; sensors: {string.Join(", ", Ledger(sub).BySeq.Values.Select(r => r.Sensor).Distinct().Order())}");

        // Each driver's values are what its source produced.
        Assert.Equal((7 * 2) + 1, gpio.EdgesRaised); // ground truth: 7 pulses (two edges each) on the counter pin, one lid edge
        Assert.Equal(7, Sum(sub, "bike-01", "pulse_count"));
        Assert.Equal(7, Values(sub, "bike-01", "pulse_total").Max());
        Assert.Equal([0.0, 1.0], Values(sub, "bin-07-lid", "lid_open").Distinct().Order());
        Assert.All(Values(sub, "weather-1", "air_temperature"), t => Assert.Equal(25.08, t, 2)); // BMP280 datasheet 3.12
        Assert.All(Values(sub, "weather-1", "air_pressure"), p => Assert.Equal(1006.5327, p, 4));
        Assert.All(Values(sub, "light-1", "illuminance"), lx => Assert.Equal(1000.0, lx, 9)); // 1200 counts / 1.2
        Assert.All(Values(sub, "pm-1", "pm2_5"), v => Assert.Equal(123.6, v, 6));
        Assert.All(Values(sub, "pm-1", "pm10"), v => Assert.Equal(261.8, v, 6));
        Assert.All(Values(sub, "air-1", "pm2_5"), v => Assert.Equal(vector.Expected["pm2_5"], v, 6));
        Assert.All(Values(sub, "air-1", "pm10"), v => Assert.Equal(vector.Expected["pm10"], v, 6));

        // Nothing the node produced went missing between its buffer and the broker: the seqs are dense from 0.
        var ledger = Ledger(sub);
        Assert.Equal(0, ledger.MinSeq);
        Assert.True(ledger.HasAll(0, ledger.BySeq.Keys.Max()), "a gap in the node's sequence numbers");
    }

    // Captured SDS011 frame (the serial driver's tests): PM2.5 123.6, PM10 261.8 ug/m3.
    private static readonly byte[] Sds011Frame = Convert.FromHexString("AAC0D4043A0AA1601DAB");

    private static string Config(int brokerPort, int modbusPort, string serialPort, string bufferPath) => $$"""
        {
          "version": 1,
          "node": { "id": "n-mixed-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1", "port": {{brokerPort}}, "reconnectMinSeconds": 0.2, "reconnectMaxSeconds": 1, "connectTimeoutSeconds": 3, "publishTimeoutSeconds": 3 },
          "buffer": { "kind": "disk", "path": "{{bufferPath}}", "maxMegabytes": 64 },
          "publish": { "healthIntervalSeconds": 1, "maxBatchDelayMs": 20 },
          "buses": [
            { "id": "i2c-1", "kind": "i2c", "busNumber": 1 },
            { "id": "plc", "kind": "modbus-tcp", "host": "127.0.0.1", "port": {{modbusPort}}, "timeoutMs": 2000 }
          ],
          "sensors": [
            { "id": "bike-01", "driver": "gpio", "mode": "counter", "pin": {{CountPin}}, "debounceMs": 0, "intervalMs": 500 },
            { "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": {{LidPin}}, "intervalMs": 60000 },
            { "id": "weather-1", "driver": "i2c", "bus": "i2c-1", "chip": "bme280", "address": 118, "intervalMs": 500 },
            { "id": "light-1", "driver": "i2c", "bus": "i2c-1", "chip": "bh1750", "intervalMs": 500 },
            { "id": "pm-1", "driver": "pm-serial", "format": "sds011", "port": "{{serialPort}}", "readTimeoutMs": 2000, "intervalMs": 1000 },
            { "id": "air-1", "driver": "modbus", "bus": "plc", "unit": 1, "template": "{{ModbusTemplate}}", "intervalMs": 500, "timeoutMs": 2000 },
            { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 500, "seed": 11 }
          ]
        }
        """;

    // One ledger, fed only the messages that arrived since the last look (the waits ask many times a second).
    private readonly TelemetryLedger _ledger = new();

    private TelemetryLedger Ledger(MqttCollector sub) => _ledger.Update(sub.Messages);

    private List<double> Values(MqttCollector sub, string sensor, string quantity) =>
        [.. Ledger(sub).BySeq.OrderBy(kv => kv.Key).Select(kv => kv.Value).Where(r => r.Sensor == sensor && r.Quantity == quantity).Select(r => r.Value)];

    private bool Has(MqttCollector sub, string sensor, string quantity) => Values(sub, sensor, quantity).Count > 0;

    private double Sum(MqttCollector sub, string sensor, string quantity) => Values(sub, sensor, quantity).Sum();

    private static void AssertValid(JsonSchema schema, ReceivedMessage message)
    {
        var result = schema.Evaluate(JsonDocument.Parse(message.Payload).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, message.Topic + ": " + message.Text + " → " + JsonSerializer.Serialize((result.Details ?? []).Where(d => d.Errors is not null).Select(d => new { d.InstanceLocation, d.Errors })));
    }
}
