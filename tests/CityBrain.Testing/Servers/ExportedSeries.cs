namespace CityBrain.Testing.Servers;

/// <summary>One series from VictoriaMetrics' <c>/api/v1/export</c>: labels (with <c>__name__</c>), values and ms timestamps.</summary>
public sealed record ExportedSeries(IReadOnlyDictionary<string, string> Labels, double[] Values, long[] Timestamps)
{
    public string Name => Labels["__name__"];
}
