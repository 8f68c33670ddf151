namespace CityBrain.Drivers.I2c.Chips;

/// <summary>
/// A sensor's transfer function from configuration: points (input, value) with the input strictly increasing; linear
/// between points and along the end segments beyond them (a 4–20 mA transmitter reads a little under 4 mA at zero).
/// </summary>
internal sealed class CalibrationCurve
{
    private readonly double[] _x;
    private readonly double[] _y;

    public CalibrationCurve(IReadOnlyList<double[]> points)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points.Count, 2);
        _x = [.. points.Select(p => p[0])];
        _y = [.. points.Select(p => p[1])];
        for (int i = 1; i < _x.Length; i++)
        {
            if (!(_x[i] > _x[i - 1]))
            {
                throw new ArgumentException("curve inputs must increase strictly", nameof(points));
            }
        }
    }

    public double Map(double input)
    {
        int i = 1;
        while (i < _x.Length - 1 && input > _x[i])
        {
            i++;
        }

        double slope = (_y[i] - _y[i - 1]) / (_x[i] - _x[i - 1]);
        return _y[i - 1] + (slope * (input - _x[i - 1]));
    }
}
