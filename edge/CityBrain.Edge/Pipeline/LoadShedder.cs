namespace CityBrain.Edge.Pipeline;

/// <summary>
/// Sheds load at the source when the node produces more than it can deliver: while the publisher takes full batches
/// whose oldest reading waited longer than the target since its poll (publish setting <c>shedAfterMs</c>), runners that poll
/// faster than <see cref="ExemptInterval"/> skip their ticks, counted as overruns (<c>citybrain.edge.poll.shed</c>),
/// instead of growing a queue every later reading waits behind. A decision lasts <see cref="Hold"/> unless a new report
/// confirms or ends it, so a publisher that stopped reporting (no connection: the disk buffer takes over) does not
/// stop sampling. Slow sensors (a bin every minute) are never shed: they cost nothing and their readings are rare.
/// </summary>
public sealed class LoadShedder
{
    /// <summary>Sensors polled this often or less are never shed.</summary>
    public static readonly TimeSpan ExemptInterval = TimeSpan.FromSeconds(1);

    /// <summary>A wait beyond this is a backlog or a clock step, not load: ignored.</summary>
    public static readonly TimeSpan MaxPlausibleWait = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly long _targetMs;
    private readonly long _holdTicks;
    private long _shedUntil;
    private long _shedTicks;

    /// <param name="target">Longest acceptable wait from poll to leaving the buffer; zero or less never sheds.</param>
    public LoadShedder(TimeSpan target, TimeProvider time)
    {
        _time = time;
        _targetMs = (long)target.TotalMilliseconds;
        Hold = target < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : target;
        _holdTicks = (long)(Hold.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>How long one report over the target keeps shedding on.</summary>
    public TimeSpan Hold { get; }

    public bool Enabled => _targetMs > 0;

    /// <summary>Ticks skipped so far.</summary>
    public long ShedTicks => Interlocked.Read(ref _shedTicks);

    /// <summary>True while polls are shed.</summary>
    public bool IsShedding => Enabled && _time.GetTimestamp() < Volatile.Read(ref _shedUntil);

    /// <summary>
    /// The publisher's report when it takes a live batch: a full batch's oldest reading waited this long since its
    /// poll; a partial batch (the lane is drained) reports zero, which ends shedding at once.
    /// </summary>
    public void ReportWait(TimeSpan wait)
    {
        if (!Enabled || wait < TimeSpan.Zero || wait > MaxPlausibleWait)
        {
            return;
        }

        Volatile.Write(ref _shedUntil, (long)wait.TotalMilliseconds > _targetMs ? _time.GetTimestamp() + _holdTicks : 0);
    }

    /// <summary>True when a runner polling every <paramref name="interval"/> should skip this tick (and counts it).</summary>
    public bool ShouldShed(TimeSpan interval)
    {
        if (interval >= ExemptInterval || !IsShedding)
        {
            return false;
        }

        Interlocked.Increment(ref _shedTicks);
        return true;
    }
}
