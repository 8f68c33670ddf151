using System.Globalization;
using CityBrain.Modbus;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One injected fault with its probability per request, optionally only for one unit. Text form (CLI
/// <c>--fault</c>): <c>KIND[:ARG][@PROBABILITY][#UNIT]</c> — <c>exception:6@0.1</c>, <c>delay:3000@0.05</c>,
/// <c>drop@0.2</c>, <c>crc@0.1</c>, <c>garbage@0.1</c>, <c>drop#3</c> (unit 3 never answers).
/// </summary>
public sealed record SimulatedFault(ModbusFaultKind Kind, double Probability = 1, ModbusExceptionCode Code = ModbusExceptionCode.None, TimeSpan Delay = default, byte? Unit = null)
{
    public static SimulatedFault Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string text = spec.Trim();
        byte? unit = null;
        double probability = 1;
        int hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            unit = byte.Parse(text[(hash + 1)..], CultureInfo.InvariantCulture);
            text = text[..hash];
        }

        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            probability = double.Parse(text[(at + 1)..], CultureInfo.InvariantCulture);
            text = text[..at];
        }

        if (probability is < 0 or > 1)
        {
            throw new FormatException($"Fault '{spec}': probability must be 0..1.");
        }

        string[] parts = text.Split(':', 2);
        string argument = parts.Length > 1 ? parts[1] : "";
        return parts[0].ToLowerInvariant() switch
        {
            "exception" => new SimulatedFault(ModbusFaultKind.Exception, probability, (ModbusExceptionCode)byte.Parse(argument.Length == 0 ? "4" : argument, NumberStyles.HexNumber, CultureInfo.InvariantCulture), default, unit),
            "delay" => new SimulatedFault(ModbusFaultKind.Delay, probability, default, TimeSpan.FromMilliseconds(double.Parse(argument.Length == 0 ? "5000" : argument, CultureInfo.InvariantCulture)), unit),
            "drop" => new SimulatedFault(ModbusFaultKind.Drop, probability, default, default, unit),
            "crc" or "corrupt" => new SimulatedFault(ModbusFaultKind.Corrupt, probability, default, default, unit),
            "garbage" => new SimulatedFault(ModbusFaultKind.Garbage, probability, default, default, unit),
            _ => throw new FormatException($"Fault '{spec}': unknown kind '{parts[0]}'; use exception:CODE, delay:MS, drop, crc or garbage, with optional @PROBABILITY and #UNIT."),
        };
    }
}
