namespace CityBrain.Hub.Health;

/// <summary>
/// The registry-wide count of sensor-quantities against <see cref="HealthRegistryOptions.MaxQuantities"/>, shared by
/// every node (taken under a node's lock, so lock-free here). A node gives its share back when it is removed.
/// </summary>
internal sealed class RegistryBudget(int max)
{
    private long _used;

    public int Max { get; } = max;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>Takes one sensor-quantity; false when the registry is full.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _used) <= Max)
        {
            return true;
        }

        Interlocked.Decrement(ref _used);
        return false;
    }

    public void Give(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _used, -count);
        }
    }
}
