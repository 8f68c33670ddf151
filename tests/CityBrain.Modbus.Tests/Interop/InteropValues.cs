using System.Text.Json;
using CityBrain.Drivers.Modbus;

namespace CityBrain.Modbus.Tests.Interop;

/// <summary>One value of every data type in every word order, laid out one after another from address 0.</summary>
internal static class InteropValues
{
    public static readonly bool[] Coils = [true, false, true, true, false, false, true, false, true, true, true];

    public static readonly bool[] Discrete = [false, true, true, false, true];

    public static IReadOnlyList<(PointType Type, WordOrder Order, ushort Address, double Value)> All { get; } = Build();

    /// <summary>The spec file the pymodbus peer encodes with its own BinaryPayloadBuilder.</summary>
    public static string SpecJson(byte unit) => JsonSerializer.Serialize(new
    {
        unit,
        values = All.Select(v => new { type = v.Type.ToString().ToLowerInvariant(), order = v.Order.ToString(), address = v.Address, value = v.Value }),
        coils = Coils.Select(b => b ? 1 : 0),
        discrete = Discrete.Select(b => b ? 1 : 0),
    });

    /// <summary>Reads every value with FC 03 (and FC 04) and checks it decodes to what the peer encoded.</summary>
    public static async Task VerifyAsync(ModbusClient client, byte unit, bool inputRegistersToo)
    {
        foreach (var (type, order, address, value) in All)
        {
            var registers = new ushort[RegisterCodec.ItemCount(type)];
            await client.ReadHoldingRegistersAsync(unit, address, registers);
            AssertDecodes(type, order, value, registers, "holding");
            if (inputRegistersToo)
            {
                await client.ReadInputRegistersAsync(unit, address, registers);
                AssertDecodes(type, order, value, registers, "input");
            }
        }

        var coils = new bool[Coils.Length];
        await client.ReadCoilsAsync(unit, 0, coils);
        Assert.Equal(Coils, coils);
        var discrete = new bool[Discrete.Length];
        await client.ReadDiscreteInputsAsync(unit, 0, discrete);
        Assert.Equal(Discrete, discrete);
    }

    private static void AssertDecodes(PointType type, WordOrder order, double expected, ushort[] registers, string table)
    {
        double actual = RegisterCodec.Decode(registers, type, order);
        if (type == PointType.Float32)
        {
            Assert.True((float)expected == (float)actual, $"{table} {type} {order}: expected {(float)expected}, got {actual} from {string.Join(' ', registers.Select(r => r.ToString("X4")))}");
        }
        else
        {
            Assert.True(expected == actual, $"{table} {type} {order}: expected {expected}, got {actual} from {string.Join(' ', registers.Select(r => r.ToString("X4")))}");
        }
    }

    private static List<(PointType, WordOrder, ushort, double)> Build()
    {
        (PointType Type, double Value)[] samples =
        [
            (PointType.Int16, -12345), (PointType.UInt16, 54321), (PointType.Int32, -123456789), (PointType.UInt32, 3123456789),
            (PointType.Int64, -1234567890123), (PointType.UInt64, 12345678901234), (PointType.Float32, 123.456), (PointType.Float64, -9876.54321),
        ];
        var list = new List<(PointType, WordOrder, ushort, double)>();
        ushort address = 0;
        foreach (var order in Enum.GetValues<WordOrder>())
        {
            foreach (var (type, value) in samples)
            {
                list.Add((type, order, address, value));
                address += (ushort)RegisterCodec.ItemCount(type);
            }
        }

        return list;
    }
}
