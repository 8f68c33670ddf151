using System.Net;
using System.Text;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

/// <summary>Protocol logic only (request shape, status mapping) with a fake handler; real servers are in the integration tests.</summary>
public sealed class InfluxV1LineProtocolSinkTests
{
    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return answer(request);
        }
    }

    private static SinkOptions Options() => new()
    {
        Kind = SinkOptions.InfluxV1, Url = "http://db:8086", Database = "city brain", RetentionPolicy = "rp1", Username = "hub", Password = "p:w",
    };

    [Fact]
    public async Task WriteAsync_PostsToWriteWithDbPrecisionRpAndBasicAuth()
    {
        using var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        await using var sink = new InfluxV1LineProtocolSink(Options(), handler);

        var result = await sink.WriteAsync(Encoding.UTF8.GetBytes("m v=1 1\n"), 1, CancellationToken.None);

        Assert.Equal(SinkWriteStatus.Accepted, result.Status);
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://db:8086/write?db=city%20brain&precision=ms&rp=rp1", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
        Assert.Equal("hub:p:w", Encoding.UTF8.GetString(Convert.FromBase64String(request.Headers.Authorization.Parameter!)));
        Assert.Equal("m v=1 1\n", body);
    }

    [Fact]
    public async Task WriteAsync_PartialWrite400_IsRejectedWithServerReason()
    {
        using var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("{\"error\":\"partial write: field type conflict: input field \\\"value\\\" on measurement \\\"m\\\" is type integer, already exists as type float dropped=1\"}"),
        });
        await using var sink = new InfluxV1LineProtocolSink(Options(), handler);

        var result = await sink.WriteAsync(Encoding.UTF8.GetBytes("m value=1i 1\n"), 1, CancellationToken.None);

        Assert.Equal(SinkWriteStatus.Rejected, result.Status);
        Assert.Contains("field type conflict", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task WriteAsync_Throttled_IsTransientWithRetryAfter(int status)
    {
        using var handler = new FakeHandler(_ =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(9));
            return response;
        });
        await using var sink = new InfluxV1LineProtocolSink(Options(), handler);

        var result = await sink.WriteAsync(Encoding.UTF8.GetBytes("m v=1 1\n"), 1, CancellationToken.None);

        Assert.Equal(SinkWriteStatus.Transient, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(9), result.RetryAfter);
    }

    [Fact]
    public async Task WriteAsync_ConnectionRefused_IsTransient()
    {
        var options = Options();
        options.Url = "http://127.0.0.1:" + CityBrain.Testing.Servers.FreePort.Get();
        await using var sink = new InfluxV1LineProtocolSink(options);
        var result = await sink.WriteAsync(Encoding.UTF8.GetBytes("m v=1 1\n"), 1, CancellationToken.None);
        Assert.Equal(SinkWriteStatus.Transient, result.Status);
        Assert.Contains("127.0.0.1", result.Message, StringComparison.Ordinal);
    }
}
