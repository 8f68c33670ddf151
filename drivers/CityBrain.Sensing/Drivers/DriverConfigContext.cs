using System.Globalization;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Sensing.Drivers;

/// <summary>
/// What a driver checks its configuration against, and where it reports: every problem goes to <see cref="Errors"/>
/// with its path, value and fix (all of them, not the first), every doubt to <see cref="Warnings"/>.
/// </summary>
public sealed class DriverConfigContext
{
    public DriverConfigContext(string baseDirectory, IReadOnlyDictionary<string, ConfiguredBus> buses)
    {
        BaseDirectory = baseDirectory;
        Buses = buses;
    }

    /// <summary>Relative file paths in the configuration resolve against this folder.</summary>
    public string BaseDirectory { get; }

    /// <summary>The node's buses that passed their checks, by id.</summary>
    public IReadOnlyDictionary<string, ConfiguredBus> Buses { get; }

    public List<ConfigError> Errors { get; } = [];

    public List<string> Warnings { get; } = [];

    public void Error(string path, object? value, string problem, string fix) =>
        Errors.Add(new ConfigError(path, Render(value), problem, fix));

    public void Warn(string path, string text) => Warnings.Add($"{path}: {text}");

    /// <summary>
    /// The bus <paramref name="busId"/> if it exists and is of kind <typeparamref name="TOptions"/>; otherwise reports
    /// the problem at <paramref name="path"/> and returns null.
    /// </summary>
    public TOptions? RequireBus<TOptions>(string path, string? busId, string kindNames)
        where TOptions : class
    {
        if (busId is null)
        {
            Error(path, null, "the sensor needs a bus", $"set \"bus\" to the id of a {kindNames} bus declared under \"buses\"");
            return null;
        }

        if (!Buses.TryGetValue(busId, out var bus))
        {
            var fitting = Buses.Values.Where(b => b.Options is TOptions).Select(b => b.Spec.Id).ToList();
            Error(path, busId, "no bus with this id", fitting.Count == 0 ? $"declare a {kindNames} bus under \"buses\"" : $"use one of: {string.Join(", ", fitting)}");
            return null;
        }

        if (bus.Options is not TOptions options)
        {
            Error(path, busId, $"bus '{busId}' is a {bus.Spec.Kind} bus, not a {kindNames} bus", $"point the sensor at a {kindNames} bus or change the bus's kind");
            return null;
        }

        return options;
    }

    /// <summary>How a value appears in an error: strings quoted, numbers invariant.</summary>
    public static string? Render(object? value) => value switch
    {
        null => null,
        string s => "\"" + s + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
