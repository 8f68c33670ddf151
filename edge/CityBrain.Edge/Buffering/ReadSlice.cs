namespace CityBrain.Edge.Buffering;

/// <summary>Part of a batch: sequence numbers <c>[From, To)</c>, all inside <c>Record</c>.</summary>
internal readonly record struct ReadSlice(LedgerRecord<RecordLocation> Record, long From, long To);
