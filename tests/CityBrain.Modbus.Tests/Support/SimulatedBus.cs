using System.Net;
using CityBrain.Drivers.Modbus;

namespace CityBrain.Modbus.Tests.Support;

/// <summary>A simulator serving shipped templates (from their vectors) over TCP loopback, and a bus to it.</summary>
internal sealed class SimulatedBus : IAsyncDisposable
{
    private SimulatedBus(ModbusSimulator simulator, ModbusBus bus)
    {
        Simulator = simulator;
        Bus = bus;
    }

    public ModbusSimulator Simulator { get; }

    public ModbusBus Bus { get; }

    public Dictionary<byte, SimulatedDevice> Devices { get; } = [];

    public static async Task<DeviceTemplate> TemplateAsync(string name) =>
        await TemplateLoader.LoadFileAsync(Path.Combine(TemplatePaths.Templates, $"{name}.json"), CancellationToken.None);

    public static async Task<TemplateVector> VectorAsync(string name) =>
        await TemplateVector.LoadFileAsync(Path.Combine(TemplatePaths.Templates, $"{name}.vector.json"), CancellationToken.None);

    public static async Task<SimulatedBus> StartTcpAsync(string template, byte unit, IModbusFaultInjector? faults = null, TimeSpan? timeout = null)
    {
        var simulator = new ModbusSimulator(faults);
        var device = new SimulatedDevice(await TemplateAsync(template), await VectorAsync(template));
        simulator.AddDevice(unit, device);
        var endpoint = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var client = ModbusClient.CreateTcp("127.0.0.1", endpoint.Port, new ModbusClientOptions { RequestTimeout = timeout ?? TimeSpan.FromSeconds(2) });
        var result = new SimulatedBus(simulator, new ModbusBus("plc-1", client));
        result.Devices[unit] = device;
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
