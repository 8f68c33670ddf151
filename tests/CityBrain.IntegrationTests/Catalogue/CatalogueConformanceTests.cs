using System.Text.Json;
using CityBrain.Drivers.Simulated;
using CityBrain.Sensing;
using CityBrain.Sensing.Catalogue;
using CityBrain.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.IntegrationTests.Catalogue;

/// <summary>
/// Every channel a shipped source can emit uses a catalogued quantity in the catalogue's unit, and its values lie in
/// the catalogue's physical range. A source is one entry of <see cref="Sources"/>: a driver family adds a function
/// that lists its channels (and, when it can, values it produces) — the GPIO and I2C drivers go there.
/// </summary>
public sealed class CatalogueConformanceTests
{
    /// <summary>One channel of a source: where it comes from, what it reports, and values it produced (may be none).</summary>
    public sealed record Channel(string Source, string Quantity, string Unit, IReadOnlyList<double> Values);

    private static readonly (string Name, Func<IEnumerable<Channel>> Channels)[] Sources =
    [
        ("templates", TemplatePoints),
        ("simulated", SimulatedChannels),
        ("drivers", DriverQuantities),
    ];

    public static TheoryData<string> SourceNames() => [.. Sources.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SourceNames))]
    public void Source_EveryChannel_IsCataloguedInItsUnitAndRange(string source)
    {
        var channels = Sources.Single(s => s.Name == source).Channels().ToList();
        Assert.NotEmpty(channels);
        var problems = new List<string>();
        foreach (var c in channels)
        {
            var check = QuantityCatalogue.Default.Check(c.Quantity, c.Unit);
            if (check.Status == CatalogueStatus.UnknownQuantity)
            {
                problems.Add($"{c.Source}: {c.Quantity} is not catalogued (did you mean {QuantityCatalogue.Default.Nearest(c.Quantity) ?? "nothing close"}?)");
            }
            else if (check.Status == CatalogueStatus.UnitMismatch)
            {
                problems.Add($"{c.Source}: {c.Quantity} in '{c.Unit}', the catalogue says '{check.ExpectedUnit}'");
            }
            else if (check.Status == CatalogueStatus.Known)
            {
                problems.AddRange(c.Values.Where(v => !check.Entry!.IsPhysical(v)).Take(1)
                    .Select(v => $"{c.Source}: {c.Quantity} = {v} outside the catalogue's {check.Entry!.Min}..{check.Entry.Max}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Sources_CoverTheQuantitiesTheShippedAlertRulesWatch()
    {
        var emitted = Sources.SelectMany(s => s.Channels()).Select(c => c.Quantity).ToHashSet(StringComparer.Ordinal);
        var watched = ShippedRulesHub.ShippedAlertOptions().Rules.Where(r => r.Quantity is not null).Select(r => r.Quantity!).ToList();
        Assert.NotEmpty(watched);
        Assert.All(watched, q => Assert.Contains(q, emitted));
    }

    /// <summary>Every measurement point of every template (firmware-config/templates), read as JSON (not through the loader, which checks the same), with its test vector's value.</summary>
    private static IEnumerable<Channel> TemplatePoints()
    {
        foreach (string file in Directory.GetFiles(RepoPaths.Combine("firmware-config", "templates"), "*.json").Where(f => !f.EndsWith(".vector.json", StringComparison.Ordinal)).Order())
        {
            using var template = JsonDocument.Parse(File.ReadAllText(file));
            using var vector = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(file, ".vector.json")));
            var expected = vector.RootElement.GetProperty("expected");
            foreach (var point in template.RootElement.GetProperty("points").EnumerateArray())
            {
                if (point.GetProperty("type").GetString() == "STRING")
                {
                    continue;
                }

                string name = point.GetProperty("name").GetString()!;
                string quantity = point.TryGetProperty("quantity", out var q) ? q.GetString()! : name;
                double[] values = expected.TryGetProperty(name, out var v) ? [v.GetDouble()] : [];
                yield return new Channel($"{Path.GetFileNameWithoutExtension(file)}.{name}", quantity, point.GetProperty("unit").GetString()!, values);
            }
        }
    }

    /// <summary>What every built-in driver declares it can report (GPIO modes, I2C chips, serial PM, simulated kinds).</summary>
    private static IEnumerable<Channel> DriverQuantities() =>
        CityBrain.Edge.Composition.BuiltInDrivers.Create().Drivers
            .SelectMany(d => d.KnownQuantities.Select(q => new Channel($"driver {d.Name}", q.Quantity, q.Unit, [])));

    /// <summary>Every channel of every simulated sensor kind, with what the driver really emitted over two days.</summary>
    private static IEnumerable<Channel> SimulatedChannels()
    {
        foreach (var kind in Enum.GetValues<SimulatedSensorKind>())
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
            var driver = new SimulatedSensorDriver(new SimulatedSensorOptions($"sim-{kind}", kind, Seed: 5), time);
            var emitted = new ReadingList();
            for (int i = 0; i < 2 * 24 * 12; i++)
            {
                driver.PollAsync(emitted, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                time.Advance(TimeSpan.FromMinutes(5));
            }

            foreach (var group in emitted.Readings.GroupBy(r => (r.Quantity, r.Unit)))
            {
                yield return new Channel($"simulated {kind}", group.Key.Quantity, group.Key.Unit, [.. group.Select(r => r.Value)]);
            }

            foreach (var declared in driver.Quantities)
            {
                yield return new Channel($"simulated {kind} (declared)", declared.Quantity, declared.Unit, []);
            }
        }
    }
}
