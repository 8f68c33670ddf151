using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Merges a device's points into the fewest read requests that respect the spec limits (125 registers, 2000 bits),
/// the device's own limits, the configured maximum gap, and the registers the device cannot read. A multi-register
/// point is never split across requests (no torn 32-bit values).
/// </summary>
public static class RequestPlanner
{
    public static IReadOnlyList<PlannedRequest> Plan(IReadOnlyList<TemplatePoint> points, TemplateQuirks quirks, PlannerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(quirks);
        options ??= PlannerOptions.Default;
        var sorted = new List<TemplatePoint>(points);
        sorted.Sort(static (a, b) => a.Table != b.Table ? a.Table.CompareTo(b.Table) : a.Address != b.Address ? a.Address.CompareTo(b.Address) : b.ItemCount.CompareTo(a.ItemCount));
        var plan = new List<PlannedRequest>();
        var block = new List<TemplatePoint>();
        int start = 0;
        int end = 0;
        foreach (var point in sorted)
        {
            int pointEnd = point.Address + point.ItemCount;
            if (block.Count > 0 && !CanExtend(block[0].Table, start, end, point, pointEnd, quirks, options))
            {
                plan.Add(new PlannedRequest(block[0].Table, (ushort)start, end - start, [.. block]));
                block.Clear();
            }

            if (block.Count == 0)
            {
                start = point.Address;
                end = pointEnd;
            }

            block.Add(point);
            end = Math.Max(end, pointEnd);
        }

        if (block.Count > 0)
        {
            plan.Add(new PlannedRequest(block[0].Table, (ushort)start, end - start, [.. block]));
        }

        return plan;
    }

    /// <summary>The naive plan: one request per point (what many gateways do), for comparison.</summary>
    public static IReadOnlyList<PlannedRequest> Unmerged(IReadOnlyList<TemplatePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plan = new List<PlannedRequest>(points.Count);
        foreach (var point in points)
        {
            plan.Add(new PlannedRequest(point.Table, point.Address, point.ItemCount, [point]));
        }

        return plan;
    }

    private static bool CanExtend(ModbusTable table, int start, int end, TemplatePoint point, int pointEnd, TemplateQuirks quirks, PlannerOptions options)
    {
        if (point.Table != table)
        {
            return false;
        }

        bool bits = table.IsBitTable();
        int limit = bits ? Math.Min(quirks.MaxBitsPerRequest, ModbusLimits.MaxReadBits) : Math.Min(quirks.MaxRegistersPerRequest, ModbusLimits.MaxReadRegisters);
        int maxGap = bits ? options.MaxGapBits : options.MaxGapRegisters;
        int gap = point.Address - end;
        if (gap > maxGap || Math.Max(end, pointEnd) - start > limit)
        {
            return false;
        }

        if (gap > 0)
        {
            foreach (var range in quirks.Unreadable)
            {
                if (range.Overlaps(table, end, gap))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
