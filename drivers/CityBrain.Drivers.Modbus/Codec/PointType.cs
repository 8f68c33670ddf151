namespace CityBrain.Drivers.Modbus;

/// <summary>How a point's registers (or bit) become a number (telegraf's vocabulary).</summary>
public enum PointType
{
    Int16 = 0,
    UInt16 = 1,
    Int32 = 2,
    UInt32 = 3,
    Int64 = 4,
    UInt64 = 5,
    Float32 = 6,
    Float64 = 7,

    /// <summary>ASCII, 2 characters per register, high byte first, NUL/space padded; device metadata, not a reading.</summary>
    String = 8,

    /// <summary>One bit: a coil/discrete input, or bit 0..15 of a register.</summary>
    Bit = 9,
}
