using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using CityBrain.Hub.Configuration;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// InfluxDB 1.x <c>POST /write?db=..&amp;precision=ms</c> (also VictoriaMetrics' <c>/write</c>), with optional retention
/// policy, basic auth, gzip and a per-request timeout; or, with <see cref="ForV2"/>, the v2 write API
/// <c>POST /api/v2/write?org=..&amp;bucket=..&amp;precision=ms</c> with token auth. The batch's pooled bytes are the request
/// body (no copy). A 400 "partial write" keeps the good lines and is reported as <see cref="SinkWriteStatus.Rejected"/>.
/// </summary>
public sealed class InfluxV1LineProtocolSink : IPointSink
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly Uri _writeUri;
    private readonly bool _gzip;
    private readonly TimeSpan _timeout;
    private readonly AuthenticationHeaderValue? _auth;

    public InfluxV1LineProtocolSink(SinkOptions options, HttpMessageHandler? handler = null)
        : this(options, handler, v2: false)
    {
    }

    private InfluxV1LineProtocolSink(SinkOptions options, HttpMessageHandler? handler, bool v2)
    {
        Name = options.DisplayName;
        _ownsClient = true;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 16 })
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        _gzip = options.Gzip;
        var root = new Uri(options.Url.TrimEnd('/') + "/");
        if (v2)
        {
            _writeUri = new Uri(root, $"api/v2/write?org={Uri.EscapeDataString(options.Org!)}&bucket={Uri.EscapeDataString(options.Bucket!)}&precision=ms");
            if (!string.IsNullOrEmpty(options.Token))
            {
                _auth = new AuthenticationHeaderValue("Token", options.Token);
            }

            return;
        }

        string query = $"db={Uri.EscapeDataString(options.Database!)}&precision=ms";
        if (!string.IsNullOrEmpty(options.RetentionPolicy))
        {
            query += "&rp=" + Uri.EscapeDataString(options.RetentionPolicy);
        }

        _writeUri = new Uri(root, "write?" + query);
        if (!string.IsNullOrEmpty(options.Username))
        {
            _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        }
    }

    public string Name { get; }

    /// <summary>The v2 write API (<c>/api/v2/write</c>, org, bucket, token) over the same zero-copy request path.</summary>
    public static InfluxV1LineProtocolSink ForV2(SinkOptions options, HttpMessageHandler? handler = null) => new(options, handler, v2: true);

    public async Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri) { Content = Body(lines) };
            request.Headers.Authorization = _auth;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            int status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return SinkWriteResult.Ok;
            }

            string body = await response.Content.ReadAsStringAsync(timeout.Token);
            return HttpStatusClassifier.Classify(status, body, RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SinkWriteResult.Retry(0, $"no answer from {_writeUri.GetLeftPart(UriPartial.Path)} within {_timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return SinkWriteResult.Retry(0, $"{_writeUri.GetLeftPart(UriPartial.Path)}: {ex.Message}");
        }
    }

    private HttpContent Body(ReadOnlyMemory<byte> lines)
    {
        HttpContent content;
        if (_gzip)
        {
            var compressed = new MemoryStream();
            using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(lines.Span);
            }

            content = new ByteArrayContent(compressed.GetBuffer(), 0, (int)compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(lines);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
