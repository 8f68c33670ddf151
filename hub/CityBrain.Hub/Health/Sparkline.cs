using System.Runtime.InteropServices;

namespace CityBrain.Hub.Health;

/// <summary>
/// A sparkline: a fixed ring of per-bucket means (e.g. 60 one-minute buckets = the last hour). O(1) per value, bounded
/// memory. The newest bucket is a running mean as a float with a count saturating at 65,535 (beyond which each new
/// reading weighs 1/65,535). When time moves on, that mean goes into its slot as 3 bytes (<see cref="SparkSlot"/>): a
/// 16-bit step on a grid shared by the ring (value = (base + step) × 2^exponent, fitted to the range of the ring's
/// values: a step of 1/32,767 to 1/16,384 of it, so a stored mean is off by at most 1/32,768 of the range) and a count
/// saturating at 255 (it weighs late readings into an older bucket). Any value within the range of a float keeps its
/// magnitude (weights in kg, levels in mm, counts beyond the 65,504 of IEEE half precision). A value off the grid
/// refits it wider (the stored means are rounded once more, to the coarser grid); when such an outlier has left the
/// window, the next refit (at the latest when a bucket closes) narrows it again. Slots skipped when time moves on are
/// cleared, so a slot is valid iff its count is non-zero and its bucket lies within the ring's span below the newest.
/// <para>
/// This struct is the ring's state only (32 bytes); its slots live elsewhere and are passed in, so that a node keeps
/// the slots of all its quantities in one array (<see cref="NodeState"/>): no object header, reference or array header
/// per quantity. Every method takes the same slots and bucket width each time. Not thread-safe: guarded by its node's lock.
/// </para>
/// </summary>
internal struct Sparkline
{
    /// <summary>Grid steps a ring's range is fitted into when the grid is (re)made: half the 16-bit space, the rest is headroom.</summary>
    internal const int FittedSteps = 32_767;

    private const int MaxStep = ushort.MaxValue;

    private long _newest;

    // The grid of the stored slots: value = (_base + slot.Step) × 2^_exponent.
    private long _base;
    private int _exponent;

    // The newest bucket's running mean.
    private float _mean;
    private ushort _count;

    /// <summary>An empty sparkline (<c>default</c> is not: use this).</summary>
    public static Sparkline Empty => new() { _newest = long.MinValue };

    /// <summary>Adds a reading (a value that is not finite, or beyond the range of a float, is ignored: it has no place on a sparkline).</summary>
    public void Add(Span<SparkSlot> slots, long bucketMs, long timestampMs, double value)
    {
        if (!(Math.Abs(value) <= float.MaxValue))
        {
            return;
        }

        long b = timestampMs / bucketMs;
        if (b > _newest)
        {
            MoveTo(slots, b);
        }
        else if (_newest - b >= slots.Length)
        {
            return; // older than the ring's window, ignored
        }

        if (b == _newest)
        {
            if (_count < ushort.MaxValue)
            {
                _count++;
            }

            _mean += (float)((value - _mean) / _count);
            return;
        }

        // A late reading for an older bucket: its mean is updated on the grid.
        int i = SlotOf(slots, b);
        var old = slots[i];
        byte count = old.Count < byte.MaxValue ? (byte)(old.Count + 1) : byte.MaxValue;
        double mean = old.Count == 0 ? value : Decode(old.Step) + ((value - Decode(old.Step)) / count);
        slots[i] = default; // left out while the grid may be refitted around the new mean
        slots[i] = new SparkSlot(Encode(slots, mean), count);
    }

    /// <summary>The points of the last <c>slots.Length</c> buckets up to <paramref name="nowMs"/>, oldest first.</summary>
    public readonly IReadOnlyList<SparkPoint> Points(ReadOnlySpan<SparkSlot> slots, long bucketMs, long nowMs)
    {
        var result = new List<SparkPoint>(slots.Length);
        if (_newest == long.MinValue)
        {
            return result;
        }

        long now = nowMs / bucketMs;
        for (long b = Math.Max(now, _newest) - slots.Length + 1; b <= Math.Min(now, _newest); b++)
        {
            if (b == _newest)
            {
                if (_count > 0)
                {
                    result.Add(new SparkPoint(b * bucketMs, _mean));
                }

                continue;
            }

            var slot = slots[SlotOf(slots, b)];
            if (slot.Count > 0)
            {
                result.Add(new SparkPoint(b * bucketMs, Decode(slot.Step)));
            }
        }

        return result;
    }

    /// <summary>
    /// Refills the ring from saved points (restore at start). Into an empty ring the points come back as they were
    /// saved: the newest as the running mean, the older ones on a grid on which each is exact if their range allows
    /// (they came from such a grid), each with a count of 1.
    /// </summary>
    public void Load(Span<SparkSlot> slots, long bucketMs, IReadOnlyList<SparkPoint> points)
    {
        if (_newest != long.MinValue)
        {
            foreach (var p in points)
            {
                Add(slots, bucketMs, p.T, p.V);
            }

            return;
        }

        long newest = long.MinValue;
        foreach (var p in points)
        {
            if (Math.Abs(p.V) <= float.MaxValue)
            {
                newest = Math.Max(newest, p.T / bucketMs);
            }
        }

        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        int exact = int.MaxValue;
        foreach (var p in points)
        {
            long b = p.T / bucketMs;
            if (Math.Abs(p.V) <= float.MaxValue && b < newest && newest - b < slots.Length)
            {
                lo = Math.Min(lo, p.V);
                hi = Math.Max(hi, p.V);
                exact = Math.Min(exact, LowestBitExponent(p.V));
            }
        }

        if (newest == long.MinValue)
        {
            return;
        }

        _newest = newest;
        if (lo <= hi)
        {
            // The coarsest grid on which every saved value is exact, if the range fits on it; else the fitted one.
            int fitted = FittedExponent(lo, hi);
            Regrid(slots, lo, hi, exact < fitted && Math.Ceiling(Math.ScaleB(hi, -exact)) - Math.Floor(Math.ScaleB(lo, -exact)) <= MaxStep ? exact : fitted);
        }

        foreach (var p in points)
        {
            long b = p.T / bucketMs;
            if (!(Math.Abs(p.V) <= float.MaxValue) || newest - b >= slots.Length)
            {
                continue;
            }

            if (b == newest)
            {
                _mean = (float)p.V;
                _count = 1;
            }
            else
            {
                slots[SlotOf(slots, b)] = new SparkSlot((ushort)Math.Clamp(StepOf(p.V), 0, MaxStep), 1);
            }
        }
    }

    /// <summary>The value of one step of the grid the older buckets are stored on (their precision: half of it), for tests.</summary>
    internal readonly double GridStep => Math.ScaleB(1.0, _exponent);

    /// <summary>
    /// The finest power-of-two step that fits [<paramref name="lo"/>, <paramref name="hi"/>] into <see cref="FittedSteps"/>
    /// steps; a single value gets a step of about 1/65,536 of its magnitude (room for half its magnitude either way). Never
    /// finer than 2^-40 of the magnitude, so the grid positions stay exact in a long and a double.
    /// </summary>
    internal static int FittedExponent(double lo, double hi)
    {
        double magnitude = Math.Max(Math.Abs(lo), Math.Abs(hi));
        int floor = magnitude > 0 ? Math.ILogB(magnitude) - 40 : -60;
        double range = hi - lo; // finite: values are within the range of a float
        int exponent = range > 0 ? Math.ILogB(range / FittedSteps) + 1 : (magnitude > 0 ? Math.ILogB(magnitude) - 16 : -60);
        return Math.Max(exponent, floor);
    }

    /// <summary>Moves the newest bucket to <paramref name="bucket"/>: the old newest mean goes into its slot, skipped slots are cleared.</summary>
    private void MoveTo(Span<SparkSlot> slots, long bucket)
    {
        bool keep = _newest != long.MinValue && bucket - _newest < slots.Length;
        if (!keep)
        {
            slots.Clear();
        }
        else
        {
            for (long skipped = _newest + 1; skipped <= bucket; skipped++)
            {
                slots[SlotOf(slots, skipped)] = default;
            }

            if (_count > 0)
            {
                // The newest bucket's slot was cleared when it became the newest (late readings never go to it).
                slots[SlotOf(slots, _newest)] = new SparkSlot(Encode(slots, _mean), (byte)Math.Min(_count, byte.MaxValue));
            }
        }

        _newest = bucket;
        _mean = 0;
        _count = 0;
    }

    /// <summary>
    /// The grid step of <paramref name="value"/>, the grid refitted first if the value is off it, or if the grid is
    /// more than twice as coarse as the range of the values (the stored ones and this) needs.
    /// </summary>
    private ushort Encode(Span<SparkSlot> slots, double value)
    {
        double lo = value, hi = value;
        bool any = false;
        foreach (var slot in slots)
        {
            if (slot.Count > 0)
            {
                double v = Decode(slot.Step);
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
                any = true;
            }
        }

        long step = StepOf(value);
        if (!any || step < 0 || step > MaxStep || _exponent > FittedExponent(lo, hi) + 1)
        {
            Regrid(slots, lo, hi, FittedExponent(lo, hi));
            step = StepOf(value);
        }

        return (ushort)Math.Clamp(step, 0, MaxStep);
    }

    /// <summary>Puts the grid at 2^<paramref name="exponent"/> around [<paramref name="lo"/>, <paramref name="hi"/>] (centred) and re-bases the valid slots onto it.</summary>
    private void Regrid(Span<SparkSlot> slots, double lo, double hi, int exponent)
    {
        long first = (long)Math.Floor(Math.ScaleB(lo, -exponent));
        long last = (long)Math.Ceiling(Math.ScaleB(hi, -exponent));
        long newBase = first - ((MaxStep - (last - first)) / 2);
        for (int i = 0; i < slots.Length; i++)
        {
            ref var slot = ref slots[i];
            if (slot.Count > 0)
            {
                long grid = (long)Math.Round(Math.ScaleB(Decode(slot.Step), -exponent), MidpointRounding.AwayFromZero);
                slot.Step = (ushort)Math.Clamp(grid - newBase, 0, MaxStep);
            }
        }

        _base = newBase;
        _exponent = exponent;
    }

    /// <summary>The exponent of the lowest set bit of <paramref name="value"/> (the coarsest power-of-two grid it lies on); int.MaxValue for 0.</summary>
    private static int LowestBitExponent(double value)
    {
        if (value == 0)
        {
            return int.MaxValue;
        }

        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        long mantissa = (bits & 0xF_FFFF_FFFF_FFFFL) | (biased == 0 ? 0 : 1L << 52);
        return (biased == 0 ? -1074 : biased - 1075) + System.Numerics.BitOperations.TrailingZeroCount(mantissa);
    }

    private readonly long StepOf(double value) => (long)Math.Round(Math.ScaleB(value, -_exponent), MidpointRounding.AwayFromZero) - _base;

    private readonly double Decode(ushort step) => Math.ScaleB((double)(_base + step), _exponent);

    private static int SlotOf(ReadOnlySpan<SparkSlot> slots, long bucket) => (int)(((bucket % slots.Length) + slots.Length) % slots.Length);
}

/// <summary>One closed bucket of a <see cref="Sparkline"/>: its mean as a step on the ring's grid and its reading count (3 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct SparkSlot(ushort step, byte count)
{
    public ushort Step = step;
    public byte Count = count;
}
