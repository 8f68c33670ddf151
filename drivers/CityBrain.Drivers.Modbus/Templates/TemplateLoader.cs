using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using CityBrain.Modbus;
using CityBrain.Sensing.Catalogue;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Loads and validates device templates (firmware-config/templates/*.json, schema device-template.v1). Every problem
/// is collected and reported at once with file, JSON path, value and fix; a template that loads is safe to plan.
/// </summary>
public static partial class TemplateLoader
{
    private static readonly FrozenDictionary<string, ModbusTable> Tables = new Dictionary<string, ModbusTable>
    {
        ["COIL"] = ModbusTable.Coil,
        ["DISCRETE"] = ModbusTable.DiscreteInput,
        ["HOLDING"] = ModbusTable.HoldingRegister,
        ["INPUT"] = ModbusTable.InputRegister,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, PointType> Types = Enum.GetValues<PointType>()
        .ToFrozenDictionary(t => t.ToString().ToUpperInvariant());

    private static readonly FrozenDictionary<string, WordOrder> Orders = Enum.GetValues<WordOrder>()
        .ToFrozenDictionary(o => o.ToString());

    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The JSON name of a table (<c>holding</c>, ...).</summary>
    public static string TableName(ModbusTable table) => table switch
    {
        ModbusTable.Coil => "coil",
        ModbusTable.DiscreteInput => "discrete",
        ModbusTable.HoldingRegister => "holding",
        _ => "input",
    };

    /// <summary>Parses a table name (<c>coil|discrete|holding|input</c>); null when unknown.</summary>
    public static ModbusTable? ParseTable(string name) =>
        Tables.TryGetValue(name.ToUpperInvariant(), out var table) ? table : null;

    /// <summary>Reads and validates a template file; the template's name must match the file name.</summary>
    public static async Task<DeviceTemplate> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, path);
    }

    /// <summary>Validates a template's JSON text; <paramref name="source"/> names it in errors.</summary>
    public static DeviceTemplate Parse(string json, string source)
    {
        var errors = new List<TemplateError>();
        var reader = new JsonFieldReader(source, errors);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new TemplateValidationException([new TemplateError(source, ex.Path ?? "$", null, $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}", "fix the JSON syntax")]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TemplateValidationException([new TemplateError(source, "$", root.ValueKind.ToString(), "a template must be a JSON object", "wrap it in { ... }")]);
            }

            var template = ReadTemplate(root, source, reader);
            if (errors.Count > 0 || template is null)
            {
                throw new TemplateValidationException(errors);
            }

            return template;
        }
    }

    private static DeviceTemplate? ReadTemplate(JsonElement root, string source, JsonFieldReader reader)
    {
        reader.CheckKnownFields(root, "$", "name", "vendor", "model", "description", "defaults", "quirks", "points");
        string? name = reader.String(root, "$", "name", required: true);
        if (name is not null && !SlugPattern().IsMatch(name))
        {
            reader.Error("$.name", $"\"{name}\"", "must be a lower-case slug", "use letters a-z, digits and '-', e.g. \"weather-station-ws100\"");
        }

        string fileName = Path.GetFileNameWithoutExtension(source);
        if (name is not null && source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && fileName != name)
        {
            reader.Error("$.name", $"\"{name}\"", $"does not match the file name '{fileName}.json'", $"rename the file to '{name}.json' or set \"name\": \"{fileName}\"");
        }

        byte unitId = 1;
        var order = WordOrder.ABCD;
        if (root.TryGetProperty("defaults", out var defaults))
        {
            reader.CheckKnownFields(defaults, "$.defaults", "unitId", "wordOrder");
            long? unit = reader.Integer(defaults, "$.defaults", "unitId", 1, 255);
            if (unit is < 1 or > 255)
            {
                reader.Error("$.defaults.unitId", unit.ToString(), "must be 1..255 (0 is broadcast)", "use the unit id from the device's factory settings, e.g. 1");
            }
            else if (unit is { } u)
            {
                unitId = (byte)u;
            }

            order = reader.Choice(defaults, "$.defaults", "wordOrder", Orders, required: false) ?? order;
        }

        var quirks = ReadQuirks(root, reader);
        var points = new List<TemplatePoint>();
        if (!root.TryGetProperty("points", out var pointsElement) || pointsElement.ValueKind != JsonValueKind.Array || pointsElement.GetArrayLength() == 0)
        {
            reader.Error("$.points", pointsElement.ValueKind == JsonValueKind.Undefined ? null : JsonFieldReader.Raw(pointsElement), "must be a non-empty array of points", "add \"points\": [{\"name\": ..., \"table\": ..., \"address\": ..., \"type\": ..., \"unit\": ...}]");
        }
        else
        {
            int index = 0;
            foreach (var element in pointsElement.EnumerateArray())
            {
                var point = ReadPoint(element, $"$.points[{index}]", order, quirks, reader);
                if (point is not null)
                {
                    if (points.Exists(p => p.Name == point.Name))
                    {
                        reader.Error($"$.points[{index}].name", $"\"{point.Name}\"", "duplicates an earlier point's name", "give every point a unique quantity name");
                    }

                    points.Add(point);
                }

                index++;
            }
        }

        if (name is null)
        {
            return null;
        }

        if (quirks.RequiresUnitId255)
        {
            unitId = 255;
        }

        return new DeviceTemplate
        {
            Name = name,
            Vendor = reader.String(root, "$", "vendor", required: false) ?? "",
            Model = reader.String(root, "$", "model", required: false) ?? "",
            Description = reader.String(root, "$", "description", required: false) ?? "",
            DefaultUnitId = unitId,
            Quirks = quirks,
            Points = points,
            Source = source,
        };
    }

    private static TemplateQuirks ReadQuirks(JsonElement root, JsonFieldReader reader)
    {
        if (!root.TryGetProperty("quirks", out var q))
        {
            return new TemplateQuirks();
        }

        const string P = "$.quirks";
        reader.CheckKnownFields(q, P, "maxRegistersPerRequest", "maxBitsPerRequest", "requiresUnitId255", "turnaroundMs", "unreadable", "highAddresses");
        long maxRegisters = reader.Integer(q, P, "maxRegistersPerRequest", 1, 125) ?? 125;
        if (maxRegisters is < 1 or > ModbusLimits.MaxReadRegisters)
        {
            reader.Error($"{P}.maxRegistersPerRequest", maxRegisters.ToString(), "must be 1..125 (the spec's limit for FC 03/04)", "use the datasheet's block size, at most 125");
        }

        long maxBits = reader.Integer(q, P, "maxBitsPerRequest", 1, 2000) ?? 2000;
        if (maxBits is < 1 or > ModbusLimits.MaxReadBits)
        {
            reader.Error($"{P}.maxBitsPerRequest", maxBits.ToString(), "must be 1..2000 (the spec's limit for FC 01/02)", "use at most 2000");
        }

        long turnaround = reader.Integer(q, P, "turnaroundMs", 0, 10000) ?? 0;
        if (turnaround is < 0 or > 10000)
        {
            reader.Error($"{P}.turnaroundMs", turnaround.ToString(), "must be 0..10000 ms", "slow slaves need 10-50 ms");
        }

        var unreadable = new List<AddressRange>();
        if (q.TryGetProperty("unreadable", out var ranges) && ranges.ValueKind != JsonValueKind.Array)
        {
            reader.Error($"{P}.unreadable", JsonFieldReader.Raw(ranges), "must be an array of ranges", "write [{\"table\": \"holding\", \"start\": 10, \"count\": 2}]");
        }
        else if (ranges.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var range in ranges.EnumerateArray())
            {
                string path = $"{P}.unreadable[{i++}]";
                reader.CheckKnownFields(range, path, "table", "start", "count");
                var table = reader.Choice(range, path, "table", Tables, required: true);
                long? start = reader.Integer(range, path, "start", 0, 65535, required: true);
                long? count = reader.Integer(range, path, "count", 1, 65536, required: true);
                if (start is < 0 or > 65535 || count is < 1 || start + count > 65536)
                {
                    reader.Error(path, $"start {start}, count {count}", "range must lie within 0..65535", "give a 0-based start and a positive count");
                }
                else if (table is { } t && start is { } s && count is { } c)
                {
                    unreadable.Add(new AddressRange(t, (ushort)s, (int)c));
                }
            }
        }

        return new TemplateQuirks
        {
            MaxRegistersPerRequest = (int)Math.Clamp(maxRegisters, 1, ModbusLimits.MaxReadRegisters),
            MaxBitsPerRequest = (int)Math.Clamp(maxBits, 1, ModbusLimits.MaxReadBits),
            RequiresUnitId255 = reader.Bool(q, P, "requiresUnitId255") ?? false,
            Turnaround = TimeSpan.FromMilliseconds(Math.Clamp(turnaround, 0, 10000)),
            Unreadable = unreadable,
            HighAddresses = reader.Bool(q, P, "highAddresses") ?? false,
        };
    }

    private static TemplatePoint? ReadPoint(JsonElement p, string path, WordOrder defaultOrder, TemplateQuirks quirks, JsonFieldReader reader)
    {
        if (p.ValueKind != JsonValueKind.Object)
        {
            reader.Error(path, JsonFieldReader.Raw(p), "a point must be an object", "write {\"name\": ..., \"table\": ..., \"address\": ..., \"type\": ..., \"unit\": ...}");
            return null;
        }

        int errorsBefore = CountErrors(reader);
        reader.CheckKnownFields(p, path, "name", "quantity", "table", "address", "type", "order", "bit", "length", "scale", "offset", "validMin", "validMax", "unit", "description", "simulation");
        string? name = reader.String(p, path, "name", required: true);
        if (name is not null && !QuantityPattern().IsMatch(name))
        {
            reader.Error($"{path}.name", $"\"{name}\"", "must be a snake_case quantity name", "use a-z, digits and '_', starting with a letter, e.g. \"air_temperature\"");
        }

        string? quantity = reader.String(p, path, "quantity", required: false);
        var table = reader.Choice(p, path, "table", Tables, required: true);
        var type = reader.Choice(p, path, "type", Types, required: true);
        var order = reader.Choice(p, path, "order", Orders, required: false) ?? defaultOrder;
        long? address = reader.Integer(p, path, "address", 0, 65535, required: true);
        long bit = reader.Integer(p, path, "bit", 0, 15) ?? 0;
        long length = reader.Integer(p, path, "length", 1, 125) ?? 0;
        double scale = reader.Number(p, path, "scale") ?? 1;
        double offset = reader.Number(p, path, "offset") ?? 0;
        double? validMin = reader.Number(p, path, "validMin");
        double? validMax = reader.Number(p, path, "validMax");
        string? unit = reader.String(p, path, "unit", required: true);
        string? description = reader.String(p, path, "description", required: false);
        var simulation = ReadSimulation(p, path, reader);

        if (address is { } a && table is { } t)
        {
            CheckAddress(a, t, quirks, $"{path}.address", reader);
        }

        if (scale == 0)
        {
            reader.Error($"{path}.scale", "0", "scale 0 would make every value 0", "use the datasheet factor, e.g. 0.1, or omit it for 1");
        }

        if (validMin > validMax)
        {
            reader.Error($"{path}.validMin", JsonFieldReader.Format(validMin!.Value), $"is greater than validMax {JsonFieldReader.Format(validMax!.Value)}", "swap them");
        }

        if (type is { } ty && table is { } tb)
        {
            CheckTypeAndTable(ty, tb, bit, length, path, p, reader);
        }

        if (name is not null && unit is not null && type is not PointType.String && QuantityPattern().IsMatch(quantity ?? name))
        {
            CheckCatalogue(quantity ?? name, unit, quantity is null ? $"{path}.name" : $"{path}.quantity", $"{path}.unit", reader);
        }

        if (CountErrors(reader) > errorsBefore || name is null || table is null || type is null || address is null || unit is null)
        {
            return null;
        }

        var point = new TemplatePoint
        {
            Name = name,
            Quantity = quantity ?? name,
            Table = table.Value,
            Address = (ushort)address.Value,
            Type = type.Value,
            Order = order,
            Bit = (int)bit,
            Length = (int)length,
            Scale = scale,
            Offset = offset,
            ValidMin = validMin,
            ValidMax = validMax,
            Unit = unit,
            Description = description,
            Simulation = simulation,
        };
        CheckFit(point, quirks, path, reader);
        return CountErrors(reader) > errorsBefore ? null : point;
    }

    /// <summary>A measurement point reports a catalogued quantity in the catalogue's unit (firmware-config/catalogue/quantities.json).</summary>
    private static void CheckCatalogue(string quantity, string unit, string quantityPath, string unitPath, JsonFieldReader reader)
    {
        var catalogue = QuantityCatalogue.Default;
        var check = catalogue.Check(quantity, unit);
        if (check.Status == CatalogueStatus.UnknownQuantity)
        {
            string? nearest = catalogue.Nearest(quantity);
            reader.Error(quantityPath, $"\"{quantity}\"", "is not in the quantity catalogue" + (nearest is null ? "" : $"; did you mean \"{nearest}\"?"),
                "report a catalogued quantity (firmware-config/catalogue/quantities.json; set \"quantity\" when the point's name differs, e.g. per lane), or add the quantity to the catalogue");
        }
        else if (check.Status == CatalogueStatus.UnitMismatch)
        {
            reader.Error(unitPath, $"\"{unit}\"", $"the catalogue publishes {quantity} in \"{check.ExpectedUnit}\"", $"use \"unit\": \"{check.ExpectedUnit}\" (convert with scale and offset if the device reports another unit)");
        }
    }

    private static void CheckTypeAndTable(PointType type, ModbusTable table, long bit, long length, string path, JsonElement p, JsonFieldReader reader)
    {
        if (table.IsBitTable() && type != PointType.Bit)
        {
            reader.Error($"{path}.type", $"\"{type.ToString().ToUpperInvariant()}\"", $"table '{TableName(table)}' holds single bits", "use \"type\": \"BIT\", or table 'holding'/'input' for numbers");
        }

        if (bit is < 0 or > 15 || (p.TryGetProperty("bit", out _) && (type != PointType.Bit || table.IsBitTable())))
        {
            reader.Error($"{path}.bit", bit.ToString(), "bit applies only to BIT points in a register table and must be 0..15", "remove it, or use type BIT on a holding/input register");
        }

        if (type == PointType.String && length is < 1 or > 125)
        {
            reader.Error($"{path}.length", length == 0 ? null : length.ToString(), "a STRING point needs its length in registers (1..125)", "add \"length\": registers (2 characters each)");
        }
        else if (type != PointType.String && length != 0)
        {
            reader.Error($"{path}.length", length.ToString(), "length applies only to STRING points", "remove it");
        }
    }

    private static void CheckAddress(long address, ModbusTable table, TemplateQuirks quirks, string path, JsonFieldReader reader)
    {
        (long first, long last, string digit) = table switch
        {
            ModbusTable.HoldingRegister => (40001L, 49999L, "4"),
            ModbusTable.InputRegister => (30001L, 39999L, "3"),
            ModbusTable.DiscreteInput => (10001L, 19999L, "1"),
            _ => (-1L, -1L, "0"),
        };
        bool fiveDigit = address >= first && address <= last;
        bool sixDigit = first > 0 && address >= (first * 10) - 9 && address <= (first * 10) + 65535 - 9;
        if (!quirks.HighAddresses && (fiveDigit || sixDigit))
        {
            long pdu = fiveDigit ? address - first : address - ((first * 10) - 9);
            reader.Error(path, address.ToString(), $"address {address} looks like a 1-based {digit}xxxx register number; use table '{TableName(table)}' and address {pdu}",
                $"Modbus PDU addresses are 0-based per table: register number {digit}xxxx N is address N-{(fiveDigit ? first : (first * 10) - 9)} (set quirks.highAddresses if the datasheet really lists 0-based addresses this high, e.g. SunSpec)");
            return;
        }

        if (address is < 0 or > 65535)
        {
            reader.Error(path, address.ToString(), "must be 0..65535 (a 0-based PDU address)", "use the datasheet's 0-based address (register number minus one)");
        }
    }

    private static void CheckFit(TemplatePoint point, TemplateQuirks quirks, string path, JsonFieldReader reader)
    {
        if (point.Address + point.ItemCount > 65536)
        {
            reader.Error($"{path}.address", point.Address.ToString(), $"the point's {point.ItemCount} items run past address 65535", "check the address and type");
        }

        int limit = point.Table.IsBitTable() ? quirks.MaxBitsPerRequest : quirks.MaxRegistersPerRequest;
        if (point.ItemCount > limit)
        {
            reader.Error($"{path}.type", point.Type.ToString().ToUpperInvariant(), $"needs {point.ItemCount} registers but the device reads at most {limit} per request", "raise quirks.maxRegistersPerRequest or shorten the point");
        }

        foreach (var range in quirks.Unreadable)
        {
            if (range.Overlaps(point.Table, point.Address, point.ItemCount))
            {
                reader.Error($"{path}.address", point.Address.ToString(), $"lies in an unreadable range ({TableName(range.Table)} {range.Start}..{range.End - 1})", "fix the address or the quirks.unreadable range");
            }
        }
    }

    private static SimulationHint? ReadSimulation(JsonElement p, string path, JsonFieldReader reader)
    {
        if (!p.TryGetProperty("simulation", out var s))
        {
            return null;
        }

        string simPath = $"{path}.simulation";
        reader.CheckKnownFields(s, simPath, "pattern", "min", "max");
        string pattern = reader.String(s, simPath, "pattern", required: true) ?? "walk";
        if (pattern is not ("walk" or "diurnal" or "counter" or "constant"))
        {
            reader.Error($"{simPath}.pattern", $"\"{pattern}\"", "is not a known pattern", "use walk, diurnal, counter or constant");
        }

        return new SimulationHint(pattern, reader.Number(s, simPath, "min"), reader.Number(s, simPath, "max"));
    }

    private static int CountErrors(JsonFieldReader reader) => reader.Count;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex QuantityPattern();
}
