namespace CityBrain.Edge.Buffering;

/// <summary>Joins the payloads of two adjacent ledger records when they can be one entry; <paramref name="spanMs"/> is how far apart their append times are.</summary>
internal delegate bool PayloadMerger<TPayload>(in TPayload first, in TPayload second, long spanMs, out TPayload merged);
