using CityBrain.Modbus;
using System.Globalization;
using System.Text.Json;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// A template's test vector (<c>NAME.vector.json</c>): a raw register dump and the values it must decode to.
/// The simulator also starts from it, so a fresh simulator serves exactly the documented values.
/// </summary>
public sealed record TemplateVector
{
    public required string Template { get; init; }

    public required IReadOnlyList<VectorBlock> Dump { get; init; }

    /// <summary>Point name → engineering value the dump decodes to.</summary>
    public required IReadOnlyDictionary<string, double> Expected { get; init; }

    /// <summary>STRING point name → text the dump decodes to.</summary>
    public IReadOnlyDictionary<string, string> ExpectedText { get; init; } = new Dictionary<string, string>();

    /// <summary>The raw items at <paramref name="address"/> of <paramref name="table"/>; throws when the dump lacks them.</summary>
    public ushort[] Read(ModbusTable table, int address, int count)
    {
        var result = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = Item(table, address + i) ?? throw new InvalidOperationException($"Vector for '{Template}' has no {TemplateLoader.TableName(table)} item {address + i}.");
        }

        return result;
    }

    public static async Task<TemplateVector> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, path);
    }

    /// <summary>Parses a vector; format errors name the file and field.</summary>
    public static TemplateVector Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            var dump = new List<VectorBlock>();
            int index = 0;
            foreach (var block in root.GetProperty("dump").EnumerateArray())
            {
                string path = $"$.dump[{index++}]";
                string tableName = block.GetProperty("table").GetString() ?? "";
                var table = TemplateLoader.ParseTable(tableName) ?? throw new FormatException($"{source}: {path}.table = \"{tableName}\": use coil, discrete, holding or input");
                ushort start = block.GetProperty("start").GetUInt16();
                var values = new List<ushort>();
                if (block.TryGetProperty("registers", out var registers))
                {
                    foreach (string word in (registers.GetString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        values.Add(ushort.Parse(word, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    }
                }
                else
                {
                    foreach (char bit in block.GetProperty("bits").GetString() ?? "")
                    {
                        if (bit is '0' or '1')
                        {
                            values.Add((ushort)(bit - '0'));
                        }
                    }
                }

                dump.Add(new VectorBlock(table, start, values));
            }

            var expected = new Dictionary<string, double>();
            foreach (var property in root.GetProperty("expected").EnumerateObject())
            {
                expected[property.Name] = property.Value.GetDouble();
            }

            var text = new Dictionary<string, string>();
            if (root.TryGetProperty("expectedText", out var texts))
            {
                foreach (var property in texts.EnumerateObject())
                {
                    text[property.Name] = property.Value.GetString() ?? "";
                }
            }

            return new TemplateVector
            {
                Template = root.GetProperty("template").GetString() ?? "",
                Dump = dump,
                Expected = expected,
                ExpectedText = text,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new FormatException($"{source}: invalid test vector: {ex.Message}", ex);
        }
    }

    private ushort? Item(ModbusTable table, int address)
    {
        foreach (var block in Dump)
        {
            if (block.Table == table && address >= block.Start && address < block.Start + block.Values.Count)
            {
                return block.Values[address - block.Start];
            }
        }

        return null;
    }
}
