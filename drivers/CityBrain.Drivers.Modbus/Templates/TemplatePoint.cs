using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One point of a device template: where it lives (table, 0-based PDU address), how it decodes, and what it means.
/// Value = raw × <see cref="Scale"/> + <see cref="Offset"/>, in <see cref="Unit"/>.
/// </summary>
public sealed record TemplatePoint
{
    /// <summary>The point's name (snake_case, e.g. <c>air_temperature</c>, <c>occupancy_lane_1</c>); unique within the template, node configs select points by it.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The catalogue quantity the point's readings carry: the template's <c>quantity</c>, or the name when none is
    /// given. Per-lane points of one device share a quantity; each lane is read as a sensor of its own.
    /// </summary>
    public string Quantity
    {
        get => field ?? Name;
        init;
    }

    public required ModbusTable Table { get; init; }

    /// <summary>0-based PDU address of the first register or bit.</summary>
    public required ushort Address { get; init; }

    public required PointType Type { get; init; }

    public WordOrder Order { get; init; } = WordOrder.ABCD;

    /// <summary>For <see cref="PointType.Bit"/> in a register table: bit 0..15 (0 = LSB).</summary>
    public int Bit { get; init; }

    /// <summary>For <see cref="PointType.String"/>: number of registers.</summary>
    public int Length { get; init; }

    public double Scale { get; init; } = 1;

    public double Offset { get; init; }

    /// <summary>The sensor's physical range; a value outside it is published with <c>Quality.Bad</c>.</summary>
    public double? ValidMin { get; init; }

    public double? ValidMax { get; init; }

    public required string Unit { get; init; }

    public string? Description { get; init; }

    /// <summary>How the simulator moves this point (optional).</summary>
    public SimulationHint? Simulation { get; init; }

    /// <summary>Registers (or bits) the point occupies.</summary>
    public int ItemCount => RegisterCodec.ItemCount(Type, Length);

    /// <summary>True for points that produce readings (everything but STRING, which is device metadata).</summary>
    public bool IsMeasurement => Type != PointType.String;

    /// <summary>Raw registers → engineering value.</summary>
    public double Decode(ReadOnlySpan<ushort> registers) => (RegisterCodec.Decode(registers, Type, Order, Bit) * Scale) + Offset;

    /// <summary>Engineering value → raw registers (the simulator's direction).</summary>
    public void Encode(double value, Span<ushort> registers) => RegisterCodec.Encode((value - Offset) / Scale, Type, Order, registers, Bit);

    /// <summary>True when <paramref name="value"/> lies inside the valid range (or no range is set).</summary>
    public bool IsInRange(double value) => (ValidMin is not { } min || value >= min) && (ValidMax is not { } max || value <= max);
}
