using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Buffering;

/// <summary>Readings for buffer tests: a few sensors and quantities, millisecond timestamps (the contract precision).</summary>
internal static class TestReadings
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Sensors = ["bin-07", "weather-1", "noise-3"];
    private static readonly (string Quantity, string Unit)[] Quantities = [("fill_level", "%"), ("temperature", "°C"), ("laeq", "dB(A)")];

    public static Reading One(int i) => new(
        Sensors[i % Sensors.Length],
        Quantities[i / 3 % Quantities.Length].Quantity,
        i % 7 == 0 ? i : (i * 0.37) - 5.125,
        Quantities[i / 3 % Quantities.Length].Unit,
        Start.AddMilliseconds(i * 250L),
        (Quality)(i % 3));

    public static Reading[] Range(int first, int count)
    {
        var readings = new Reading[count];
        for (int i = 0; i < count; i++)
        {
            readings[i] = One(first + i);
        }

        return readings;
    }

    public static long[] Seqs(BufferBatch batch)
    {
        var seqs = new long[batch.Count];
        for (int i = 0; i < seqs.Length; i++)
        {
            seqs[i] = batch.Readings[i].Seq;
        }

        return seqs;
    }

    public static long[] SeqRange(long first, int count)
    {
        var seqs = new long[count];
        for (int i = 0; i < count; i++)
        {
            seqs[i] = first + i;
        }

        return seqs;
    }
}
