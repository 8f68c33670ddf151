using System.Globalization;
using System.Text.Json.Nodes;
using CityBrain.Drivers.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// The same registers decoded in all four word orders side by side (ABCD, DCBA, BADC, CDAB), as float32, int32 and
/// uint32 for every pair of registers, so a technician sees which order gives a sane value.
/// </summary>
internal static class WordOrderTable
{
    public static readonly WordOrder[] Orders = [WordOrder.ABCD, WordOrder.DCBA, WordOrder.BADC, WordOrder.CDAB];

    public static JsonArray Build(ushort start, ReadOnlySpan<ushort> registers, CliOutput output)
    {
        var rows = new JsonArray();
        output.Line($"{"address",-9} {"registers",-11} {"type",-8} " + string.Join(" ", Orders.Select(o => $"{o,16}")));
        for (int i = 0; i + 1 < registers.Length; i++)
        {
            var pair = registers.Slice(i, 2);
            string hex = $"{pair[0]:X4} {pair[1]:X4}";
            foreach (var type in new[] { PointType.Float32, PointType.Int32, PointType.UInt32 })
            {
                var values = new JsonObject();
                var cells = new List<string>(4);
                foreach (var order in Orders)
                {
                    double value = RegisterCodec.Decode(pair, type, order);
                    values[order.ToString()] = double.IsFinite(value) ? value : null;
                    cells.Add($"{(double.IsFinite(value) ? value.ToString("G7", CultureInfo.InvariantCulture) : "not finite"),16}");
                }

                output.Line($"{start + i,-9} {hex,-11} {type.ToString().ToLowerInvariant(),-8} " + string.Join(" ", cells));
                rows.Add((JsonNode)new JsonObject { ["address"] = start + i, ["registers"] = new JsonArray(pair[0], pair[1]), ["type"] = type.ToString().ToLowerInvariant(), ["values"] = values });
            }
        }

        return rows;
    }
}
