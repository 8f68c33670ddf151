using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// A template-driven device for the simulator: a register bank whose points move realistically (see
/// <see cref="SimulationHint"/>), starting from the template's test vector when one is given. It honours the
/// template's quirks like the real device would: unreadable ranges answer exception 02, requests longer than
/// the device's limit answer exception 03. Unmapped registers read as 0 (what most devices do).
/// </summary>
public sealed class SimulatedDevice : IModbusDataStore, IModbusDeviceIdentity
{
    private readonly PointSignal[] _signals;
    private readonly Random _random;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private long _lastStep;

    public SimulatedDevice(DeviceTemplate template, TemplateVector? initial = null, int seed = 1, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        Template = template;
        _random = new Random(seed);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _lastStep = _timeProvider.GetTimestamp();
        if (initial is not null)
        {
            foreach (var block in initial.Dump)
            {
                Load(block);
            }
        }

        var signals = new List<PointSignal>();
        foreach (var point in template.Points)
        {
            if (point.IsMeasurement)
            {
                double? start = initial is not null && initial.Expected.TryGetValue(point.Name, out double v) ? v : null;
                signals.Add(new PointSignal(point, start));
            }
            else if (initial is null || !initial.ExpectedText.ContainsKey(point.Name))
            {
                var text = new ushort[point.ItemCount];
                RegisterCodec.EncodeString($"SIM-{template.Model}", text);
                Bank.SetRegisters(point.Table, point.Address, text);
            }
        }

        _signals = [.. signals];
        if (initial is null)
        {
            WriteAll();
        }
    }

    public DeviceTemplate Template { get; }

    /// <summary>Answers Read Device Identification (FC 2B/0E) from the template's vendor, model and name.</summary>
    public IReadOnlyDictionary<byte, string> IdentificationObjects => new Dictionary<byte, string>
    {
        [0x00] = Template.Vendor.Length > 0 ? Template.Vendor : "CityBrain simulator",
        [0x01] = Template.Model.Length > 0 ? Template.Model : Template.Name,
        [0x02] = "sim-1.0",
        [0x04] = Template.Name,
        [0x05] = Template.Model,
        [0x06] = "citybrain simulate modbus",
    };

    /// <summary>The raw tables (tests and technicians may poke values here).</summary>
    public ModbusDataBank Bank { get; } = new();

    /// <summary>The current engineering value of a point.</summary>
    public double ValueOf(string point)
    {
        foreach (var signal in _signals)
        {
            if (signal.Point.Name == point)
            {
                return signal.Value;
            }
        }

        throw new ArgumentException($"Template '{Template.Name}' has no measurement point '{point}'.", nameof(point));
    }

    /// <summary>Moves every point by the time elapsed since the last step and writes the registers.</summary>
    public void Advance()
    {
        lock (_lock)
        {
            long now = _timeProvider.GetTimestamp();
            double seconds = _timeProvider.GetElapsedTime(_lastStep, now).TotalSeconds;
            _lastStep = now;
            var utc = _timeProvider.GetUtcNow();
            foreach (var signal in _signals)
            {
                signal.Step(seconds, utc, _random);
            }

            WriteAll();
        }
    }

    public ModbusExceptionCode ReadBits(ModbusTable table, ushort start, Span<bool> destination)
    {
        var code = Check(table, start, destination.Length);
        return code != ModbusExceptionCode.None ? code : Bank.ReadBits(table, start, destination);
    }

    public ModbusExceptionCode ReadRegisters(ModbusTable table, ushort start, Span<ushort> destination)
    {
        var code = Check(table, start, destination.Length);
        return code != ModbusExceptionCode.None ? code : Bank.ReadRegisters(table, start, destination);
    }

    public ModbusExceptionCode WriteCoils(ushort start, ReadOnlySpan<bool> values)
    {
        var code = Check(ModbusTable.Coil, start, values.Length);
        return code != ModbusExceptionCode.None ? code : Bank.WriteCoils(start, values);
    }

    public ModbusExceptionCode WriteRegisters(ushort start, ReadOnlySpan<ushort> values)
    {
        var code = Check(ModbusTable.HoldingRegister, start, values.Length);
        return code != ModbusExceptionCode.None ? code : Bank.WriteRegisters(start, values);
    }

    private ModbusExceptionCode Check(ModbusTable table, ushort start, int count)
    {
        int limit = table.IsBitTable() ? Template.Quirks.MaxBitsPerRequest : Template.Quirks.MaxRegistersPerRequest;
        if (count > limit)
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        foreach (var range in Template.Quirks.Unreadable)
        {
            if (range.Overlaps(table, start, count))
            {
                return ModbusExceptionCode.IllegalDataAddress;
            }
        }

        return ModbusExceptionCode.None;
    }

    private void Load(VectorBlock block)
    {
        if (block.Table.IsBitTable())
        {
            Span<bool> bits = stackalloc bool[block.Values.Count];
            for (int i = 0; i < bits.Length; i++)
            {
                bits[i] = block.Values[i] != 0;
            }

            Bank.SetBits(block.Table, block.Start, bits);
        }
        else
        {
            Bank.SetRegisters(block.Table, block.Start, [.. block.Values]);
        }
    }

    private void WriteAll()
    {
        Span<ushort> registers = stackalloc ushort[4];
        Span<bool> bit = stackalloc bool[1];
        foreach (var signal in _signals)
        {
            var point = signal.Point;
            if (point.Table.IsBitTable())
            {
                bit[0] = signal.Value != 0;
                Bank.SetBits(point.Table, point.Address, bit);
                continue;
            }

            var span = registers[..point.ItemCount];
            Bank.ReadRegisters(point.Table, point.Address, span);
            point.Encode(signal.Value, span);
            Bank.SetRegisters(point.Table, point.Address, span);
        }
    }
}
