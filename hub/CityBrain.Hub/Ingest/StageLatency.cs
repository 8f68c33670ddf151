namespace CityBrain.Hub.Ingest;

/// <summary>
/// One per-reading latency histogram of the ingest path as /ingest/stats shows it: the non-empty buckets (upper bound
/// in ms, count) since start. Two snapshots subtracted give a window's exact distribution (the whole-chain benchmark's
/// per-hop budget, <c>bench/chain.sh</c>).
/// </summary>
/// <param name="Stage">What is measured, e.g. <c>poll_to_ack</c>: from the reading's source timestamp to every sink accepted it.</param>
public sealed record StageLatency(string Stage, long Count, long MaxMs, long[] UpperMs, long[] Counts);
