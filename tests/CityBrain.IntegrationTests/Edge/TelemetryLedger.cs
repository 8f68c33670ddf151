using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Mqtt;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>Reconciles what a subscriber received by per-node sequence number: gaps, duplicates and whether duplicates are identical.</summary>
public sealed class TelemetryLedger
{
    private readonly Dictionary<long, Reading> _bySeq = [];

    public int Messages { get; private set; }

    public int Duplicates { get; private set; }

    public int ConflictingDuplicates { get; private set; }

    public IReadOnlyDictionary<long, Reading> BySeq => _bySeq;

    private int _consumed;

    /// <summary>Order of first arrival: seq -> index of the telemetry message that first carried it.</summary>
    public Dictionary<long, int> ArrivalIndex { get; } = [];

    public static TelemetryLedger From(IEnumerable<ReceivedMessage> messages)
    {
        var ledger = new TelemetryLedger();
        ledger.Add(messages);
        return ledger;
    }

    /// <summary>Adds the messages of <paramref name="receivedSoFar"/> not seen by an earlier call (the collector's queue only grows).</summary>
    public TelemetryLedger Update(IEnumerable<ReceivedMessage> receivedSoFar)
    {
        var fresh = receivedSoFar.Skip(_consumed).ToList();
        _consumed += fresh.Count;
        Add(fresh);
        return this;
    }

    /// <summary>True when every seq from <paramref name="from"/> to <paramref name="to"/> (inclusive) was received.</summary>
    public bool HasAll(long from, long to)
    {
        for (long s = from; s <= to; s++)
        {
            if (!_bySeq.ContainsKey(s))
            {
                return false;
            }
        }

        return true;
    }

    private void Add(IEnumerable<ReceivedMessage> messages)
    {
        var ledger = this;
        foreach (var m in messages.Where(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal)))
        {
            if (!TelemetryCodec.TryRead(m.Payload, out var message, out var violation))
            {
                throw new InvalidOperationException($"the edge published a message that breaks the contract: {violation}");
            }

            ledger.Messages++;
            foreach (var (seq, reading) in message!.Readings)
            {
                if (ledger._bySeq.TryGetValue(seq, out var seen))
                {
                    ledger.Duplicates++;
                    if (seen != reading)
                    {
                        ledger.ConflictingDuplicates++;
                    }
                }
                else
                {
                    ledger._bySeq[seq] = reading;
                    ledger.ArrivalIndex[seq] = ledger.Messages;
                }
            }
        }
    }

    public long MinSeq => _bySeq.Count == 0 ? -1 : _bySeq.Keys.Min();

    public long MaxSeq => _bySeq.Count == 0 ? -1 : _bySeq.Keys.Max();

    /// <summary>Sequence numbers missing between the lowest and the highest received.</summary>
    public IReadOnlyList<long> Gaps()
    {
        var gaps = new List<long>();
        for (long s = MinSeq; s <= MaxSeq; s++)
        {
            if (!_bySeq.ContainsKey(s))
            {
                gaps.Add(s);
            }
        }

        return gaps;
    }

    public override string ToString() =>
        $"{_bySeq.Count} distinct readings (seq {MinSeq}..{MaxSeq}) in {Messages} messages, {Gaps().Count} missing, {Duplicates} duplicates ({ConflictingDuplicates} conflicting)";
}
