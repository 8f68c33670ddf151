using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>One read request of a plan and the points it covers (each point decodes from its offset in the block).</summary>
public sealed record PlannedRequest(ModbusTable Table, ushort Start, int Count, IReadOnlyList<TemplatePoint> Points)
{
    public override string ToString() => $"{TemplateLoader.TableName(Table)} {Start}+{Count} ({Points.Count} points)";
}
