using CityBrain.Sensing;

namespace CityBrain.Drivers.Simulated;

/// <summary>The channels (quantity, unit) and value functions of each simulated sensor family.</summary>
public static class SimulatedChannels
{
    private const long Minute = 60_000;
    private const long Hour = 3_600_000;

    public static IReadOnlyList<QuantityInfo> For(SimulatedSensorKind kind) => kind switch
    {
        SimulatedSensorKind.Traffic => [new("vehicle_count", "count"), new("mean_speed", "km/h"), new("occupancy", "%")],
        SimulatedSensorKind.Bin => [new("fill_level", "%"), new("weight", "kg"), new("lid_open", "bool"), new("odour_gas", "ppm")],
        SimulatedSensorKind.Environment => [new("pm2_5", "ug/m3"), new("pm10", "ug/m3"), new("noise_laeq", "dB(A)"), new("air_temperature", "degC"), new("relative_humidity", "%")],
        SimulatedSensorKind.Water => [new("water_level", "m"), new("rain_rate", "mm/h")],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown simulated sensor kind."),
    };

    /// <summary>The value of channel <paramref name="channel"/> of a <paramref name="kind"/> sensor at <paramref name="timeMs"/>.</summary>
    public static double Value(SimulatedSensorKind kind, int seed, int channel, long timeMs) => kind switch
    {
        SimulatedSensorKind.Traffic => Traffic(seed, channel, timeMs),
        SimulatedSensorKind.Bin => Bin(seed, channel, timeMs),
        SimulatedSensorKind.Environment => Environment(seed, channel, timeMs),
        SimulatedSensorKind.Water => Water(seed, channel, timeMs),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown simulated sensor kind."),
    };

    private static double Traffic(int seed, int channel, long t)
    {
        double load = Math.Clamp(SignalShape.RushHours(t) + (0.15 * SignalShape.Noise(seed, 100, t, 5 * Minute)), 0, 1);
        return channel switch
        {
            0 => Math.Round(Math.Max(0, (40 * load) + (4 * SignalShape.Noise(seed, 0, t, 20_000)))),
            1 => SignalShape.Round(Math.Clamp(62 - (45 * load * load) + (5 * SignalShape.Noise(seed, 1, t, Minute)), 3, 90), 1),
            _ => SignalShape.Round(Math.Clamp((85 * load * load) + (5 * SignalShape.Noise(seed, 2, t, Minute)), 0, 100), 1),
        };
    }

    private static double Bin(int seed, int channel, long t)
    {
        // Fills over a (seeded) 2–4 day cycle and is emptied at the end of it.
        long cycle = (48 + (Math.Abs(seed) % 48)) * Hour;
        long phaseOffset = (Math.Abs(seed) * 7919L % cycle) * 1;
        double fill = 100.0 * (((t + phaseOffset) % cycle) / (double)cycle);
        fill = Math.Clamp(fill + (2 * SignalShape.Noise(seed, 0, t, 10 * Minute)), 0, 100);
        return channel switch
        {
            0 => SignalShape.Round(fill, 1),
            1 => SignalShape.Round(fill * 1.2, 1),
            2 => SignalShape.Hash(seed, 2, t / Minute) > 0.97 ? 1 : 0,
            _ => SignalShape.Round(Math.Max(0, (0.02 * fill) + (0.5 * SignalShape.Daily(t, 4)) + (0.2 * SignalShape.Noise(seed, 3, t, 15 * Minute))), 2),
        };
    }

    private static double Environment(int seed, int channel, long t)
    {
        double traffic = SignalShape.RushHours(t);
        return channel switch
        {
            0 => SignalShape.Round(Math.Max(1, 12 + (25 * traffic) + (10 * SignalShape.Noise(seed, 0, t, 30 * Minute))), 1),
            1 => SignalShape.Round(Math.Max(2, 20 + (35 * traffic) + (14 * SignalShape.Noise(seed, 1, t, 30 * Minute))), 1),
            2 => SignalShape.Round(42 + (26 * traffic) + (4 * SignalShape.Noise(seed, 2, t, 15_000)), 1),
            3 => SignalShape.Round(8 + (10 * SignalShape.Daily(t, 4)) + (1.5 * SignalShape.Noise(seed, 3, t, Hour)), 2),
            _ => SignalShape.Round(Math.Clamp(75 - (30 * SignalShape.Daily(t, 4)) + (8 * SignalShape.Noise(seed, 4, t, Hour)), 5, 100), 1),
        };
    }

    private static double Water(int seed, int channel, long t)
    {
        double rain = Math.Max(0, (30 * SignalShape.Noise(seed, 1, t, 2 * Hour)) - 12);
        return channel switch
        {
            0 => SignalShape.Round(0.8 + (0.05 * rain) + (0.1 * SignalShape.Noise(seed, 0, t, 6 * Hour)), 3),
            _ => SignalShape.Round(rain, 1),
        };
    }
}
