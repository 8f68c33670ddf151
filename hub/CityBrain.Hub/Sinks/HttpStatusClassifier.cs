namespace CityBrain.Hub.Sinks;

/// <summary>One place that decides what an HTTP answer from a write API means (retry, reject, accept).</summary>
public static class HttpStatusClassifier
{
    public static SinkWriteResult Classify(int status, string? body, TimeSpan? retryAfter)
    {
        string message = Trim(body);
        return status switch
        {
            >= 200 and < 300 => SinkWriteResult.Ok,

            // Malformed or refused points (InfluxDB 1.x "partial write: ... dropped=N", v2 400/422): resending the same
            // lines cannot help; the caller bisects to find them. 413: too large, bisecting splits it.
            400 or 413 or 422 => SinkWriteResult.Reject(status, message),

            // Rate limited / unavailable: honour Retry-After.
            429 or 503 => SinkWriteResult.Retry(status, message, retryAfter),

            // Auth and missing database/bucket are operator-fixable configuration errors: keep the data
            // (unacknowledged at the broker) and retry with backoff rather than drop it.
            _ => SinkWriteResult.Retry(status, message, retryAfter),
        };
    }

    public static string Trim(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "(no body)";
        }

        body = body.Trim();
        return body.Length > 500 ? body[..500] + "…" : body;
    }
}
