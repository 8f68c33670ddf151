using CityBrain.Provisioning.Signing;

namespace CityBrain.Edge.Provisioning;

/// <summary>How a node takes new configurations (host options: <c>--trust</c>, <c>--apply-window</c>; docs/technicians.md).</summary>
public sealed record ConfigApplyOptions
{
    /// <summary>Directory of trusted public keys (<c>*.pem</c>) or one PEM file.</summary>
    public string TrustPath { get; set; } = TrustStore.DefaultPath;

    /// <summary>How long a new configuration has to prove healthy (broker connected, not every sensor faulty).</summary>
    public TimeSpan HealthWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the configuration file is checked for edits made on the node.</summary>
    public TimeSpan FileCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (HealthWindow < TimeSpan.FromSeconds(1) || HealthWindow > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(HealthWindow), HealthWindow, "the health window must be between 1 s and 1 h");
        }

        if (FileCheckInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(FileCheckInterval), FileCheckInterval, "check the file at most every 100 ms");
        }
    }
}
