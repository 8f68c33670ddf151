using System.Text;
using CityBrain.Hub.Configuration;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// The InfluxDB v2 write API through InfluxDB.Client's <see cref="WriteApiAsync"/> (InfluxDB 2.x/3.x, 1.8+ with
/// bucket "db/rp", VictoriaMetrics). The batch goes out as one pre-built line-protocol record (no PointData per point).
/// The client never retries; its <see cref="HttpException"/>s (Status, RetryAfter) are mapped to results here.
/// </summary>
public sealed class InfluxV2ClientSink : IPointSink
{
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _writeApi;
    private readonly string _bucket;
    private readonly string _org;
    private readonly TimeSpan _timeout;
    private readonly string _url;

    public InfluxV2ClientSink(SinkOptions options)
    {
        Name = options.DisplayName;
        _bucket = options.Bucket!;
        _org = options.Org!;
        _url = options.Url;
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var builder = InfluxDBClientOptions.Builder.CreateNew()
            .Url(options.Url)
            .Org(options.Org)
            .Bucket(options.Bucket)
            .TimeOut(_timeout);
        if (!string.IsNullOrEmpty(options.Token))
        {
            builder = builder.AuthenticateToken(options.Token);
        }

        _client = new InfluxDBClient(builder.Build());
        if (options.Gzip)
        {
            _client.EnableGzip();
        }

        _writeApi = _client.GetWriteApiAsync();
    }

    public string Name { get; }

    public async Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
    {
        var span = lines.Span;
        if (span.Length > 0 && span[^1] == (byte)'\n')
        {
            span = span[..^1];
        }

        string record = Encoding.UTF8.GetString(span);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await _writeApi.WriteRecordsAsync([record], WritePrecision.Ms, _bucket, _org, timeout.Token);
            return SinkWriteResult.Ok;
        }
        catch (HttpException ex) when (ex.Status == 0)
        {
            return SinkWriteResult.Retry(0, $"{_url}: {ex.Message}");
        }
        catch (HttpException ex)
        {
            TimeSpan? retryAfter = ex.RetryAfter is int s ? TimeSpan.FromSeconds(s) : null;
            return HttpStatusClassifier.Classify(ex.Status, string.IsNullOrEmpty(ex.Message) ? ex.ErrorBody?.ToString() : ex.Message, retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SinkWriteResult.Retry(0, $"no answer from {_url} within {_timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !FatalErrors.IsFatal(ex))
        {
            // Connection refused, reset, DNS: the client surfaces transport failures as various exceptions.
            return SinkWriteResult.Retry(0, $"{_url}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
