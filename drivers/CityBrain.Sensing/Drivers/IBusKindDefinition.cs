using System.Text.Json;

namespace CityBrain.Sensing.Drivers;

/// <summary>A kind of bus entry (<c>modbus-rtu</c>, <c>i2c</c>): its fields, typed options and checks, owned by a driver.</summary>
public interface IBusKindDefinition
{
    /// <summary>The value of a bus entry's <c>kind</c> field.</summary>
    string Kind { get; }

    string Summary { get; }

    /// <summary>This kind's fields beside <c>id</c> and <c>kind</c>: a JSON Schema object with <c>properties</c> and optionally <c>required</c>.</summary>
    string BusSchema { get; }

    /// <summary>Reads and checks the typed options of a bus entry that passed the schema; null when unusable.</summary>
    object? ReadOptions(JsonElement bus, BusSpec spec, DriverConfigContext context);
}
