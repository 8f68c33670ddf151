namespace CityBrain.Benchmarks;

/// <summary>
/// One benchmark scenario: prints its figures (not pass/fail). Scenarios are found by reflection, so adding one is
/// adding a file. Run: <c>dotnet run -c Release --project tests/CityBrain.Benchmarks -- NAME [args]</c>.
/// </summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. <c>modbus-tcp</c>.</summary>
    string Name { get; }

    /// <summary>One line for the list printed without arguments.</summary>
    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
