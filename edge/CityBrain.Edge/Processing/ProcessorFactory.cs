using System.Text.Json;
using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// Builds a sensor's <see cref="ProcessorChain"/> from its JSON stage list, e.g.
/// <code>
/// [{"type":"range","min":0,"max":100},
///  {"type":"deadband","absolute":0.5,"maxSilentSeconds":300},
///  {"type":"median","window":5,"maxDeviation":10},
///  {"type":"window","seconds":60,"outputs":["min","max","mean","count"]},
///  {"type":"rate","per":"second"}]
/// </code>
/// Stage fields — range: min, max, outside ("bad"|"uncertain"), plausibleMin, plausibleMax; deadband: absolute,
/// percent, maxSilentSeconds; median: window, maxDeviation, action ("reject"|"uncertain"); window: seconds, outputs;
/// rate: per ("second"|"minute"|"hour"), keepInput. Every error is a <see cref="ProcessorConfigException"/> naming the
/// path, the value and the fix.
/// </summary>
public static class ProcessorFactory
{
    private const string Types = "range, deadband, median, window, rate";

    public static ProcessorChain Parse(string json, string path = "processors")
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Create(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new ProcessorConfigException(path, $"is not valid JSON ({ex.Message}); write a list of stage objects", ex);
        }
    }

    public static ProcessorChain Create(JsonElement stages, string path = "processors")
    {
        if (stages.ValueKind != JsonValueKind.Array)
        {
            throw new ProcessorConfigException(path, $"is {StageSpec.Show(stages)}; it must be a list of stages like [{{\"type\":\"range\",\"min\":0}}]");
        }

        return Create([.. stages.EnumerateArray()], path);
    }

    /// <summary>The stages as a configuration file holds them (one JSON object each).</summary>
    public static ProcessorChain Create(IReadOnlyList<JsonElement> stages, string path = "processors")
    {
        var built = new List<IReadingProcessor>(stages.Count);
        for (int i = 0; i < stages.Count; i++)
        {
            built.Add(CreateStage(stages[i], $"{path}[{i}]"));
        }

        return new ProcessorChain(built);
    }

    private static IReadingProcessor CreateStage(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ProcessorConfigException(path, $"is {StageSpec.Show(element)}; each stage is an object with a \"type\" ({Types})");
        }

        var spec = new StageSpec(element, path);
        string type = element.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw spec.Error("type", $"is {StageSpec.Show(t)}; use one of {Types}");
        try
        {
            return type switch
            {
                "range" => Range(spec),
                "deadband" => DeadbandStage(spec),
                "median" => Median(spec),
                "window" => WindowStage(spec),
                "rate" => Rate(spec),
                _ => throw spec.Error("type", $"is '{type}'; use one of {Types}"),
            };
        }
        catch (ArgumentException ex)
        {
            throw new ProcessorConfigException(path, ex.Message, ex);
        }
    }

    private static RangeCheck Range(StageSpec spec)
    {
        const string fix = "use the bound in the reading's unit, e.g. 0";
        var options = new RangeCheckOptions
        {
            Min = spec.Number("min", fix),
            Max = spec.Number("max", fix),
            PlausibleMin = spec.Number("plausibleMin", fix),
            PlausibleMax = spec.Number("plausibleMax", fix),
            OutsideQuality = spec.Text("outside", "use \"bad\" or \"uncertain\"") switch
            {
                null or QualityNames.Bad => Quality.Bad,
                QualityNames.Uncertain => Quality.Uncertain,
                string other => throw spec.Error("outside", $"is '{other}'; use \"bad\" or \"uncertain\""),
            },
        };
        spec.RejectUnknownFields("min, max, outside, plausibleMin, plausibleMax");
        return new RangeCheck(options);
    }

    private static Deadband DeadbandStage(StageSpec spec)
    {
        double? silent = spec.Number("maxSilentSeconds", "use seconds, e.g. 300");
        if (silent is <= 0)
        {
            throw spec.Error("maxSilentSeconds", $"is {StageSpec.Show(silent.Value)}; use a positive number of seconds, e.g. 300");
        }

        var options = new DeadbandOptions
        {
            Absolute = spec.Number("absolute", "use a change in the reading's unit, e.g. 0.5"),
            Percent = spec.Number("percent", "use a percentage, e.g. 2"),
            MaxSilent = silent is double s ? TimeSpan.FromSeconds(s) : null,
        };
        spec.RejectUnknownFields("absolute, percent, maxSilentSeconds");
        return new Deadband(options);
    }

    private static SpikeFilter Median(StageSpec spec)
    {
        double window = spec.Number("window", "use a count of values, e.g. 5") ?? 5;
        if (window != Math.Floor(window))
        {
            throw spec.Error("window", $"is {StageSpec.Show(window)}; use a whole count of values, e.g. 5");
        }

        var options = new SpikeFilterOptions
        {
            Window = (int)Math.Clamp(window, int.MinValue, int.MaxValue),
            MaxDeviation = spec.Number("maxDeviation", "use a deviation in the reading's unit, e.g. 10")
                ?? throw spec.Error("maxDeviation", "is missing; set the largest believable deviation from the median, e.g. 10"),
            Action = spec.Text("action", "use \"reject\" or \"uncertain\"") switch
            {
                null or "reject" => SpikeAction.Reject,
                "uncertain" => SpikeAction.MarkUncertain,
                string other => throw spec.Error("action", $"is '{other}'; use \"reject\" or \"uncertain\""),
            },
        };
        spec.RejectUnknownFields("window, maxDeviation, action");
        return new SpikeFilter(options);
    }

    private static WindowAggregate WindowStage(StageSpec spec)
    {
        double seconds = spec.Number("seconds", "use the window length in seconds, e.g. 60")
            ?? throw spec.Error("seconds", "is missing; set the window length in seconds, e.g. 60");
        if (seconds <= 0)
        {
            throw spec.Error("seconds", $"is {StageSpec.Show(seconds)}; use a positive window length in seconds, e.g. 60");
        }

        WindowOutputs outputs = WindowOutputs.None;
        List<string>? names = spec.Strings("outputs", "use names from min, max, mean, count");
        for (int i = 0; names is not null && i < names.Count; i++)
        {
            outputs |= names[i] switch
            {
                "min" => WindowOutputs.Min,
                "max" => WindowOutputs.Max,
                "mean" => WindowOutputs.Mean,
                "count" => WindowOutputs.Count,
                string other => throw spec.Error($"outputs[{i}]", $"is '{other}'; use min, max, mean or count"),
            };
        }

        spec.RejectUnknownFields("seconds, outputs");
        return new WindowAggregate(new WindowAggregateOptions
        {
            Length = TimeSpan.FromMilliseconds(Math.Round(seconds * 1000)),
            Outputs = names is null ? WindowOutputs.All : outputs,
        });
    }

    private static RateOfChange Rate(StageSpec spec)
    {
        var options = new RateOfChangeOptions
        {
            Per = spec.Text("per", "use second, minute or hour") switch
            {
                null or "second" => TimeSpan.FromSeconds(1),
                "minute" => TimeSpan.FromMinutes(1),
                "hour" => TimeSpan.FromHours(1),
                string other => throw spec.Error("per", $"is '{other}'; use second, minute or hour"),
            },
            KeepInput = spec.Boolean("keepInput") ?? true,
        };
        spec.RejectUnknownFields("per, keepInput");
        return new RateOfChange(options);
    }
}
