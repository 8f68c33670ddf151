using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// POSTs a notification's JSON body to a URL with <c>Idempotency-Key</c> (the notification's key), optionally
/// <c>Authorization: Bearer</c> and <c>X-CityBrain-Signature: sha256=HEX</c> (HMAC-SHA256 of the body). Secrets are
/// read once at construction and never logged.
/// </summary>
public sealed class WebhookChannel : INotificationChannel
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string SignatureHeader = "X-CityBrain-Signature";

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string? _token;
    private readonly byte[]? _signingKey;

    public WebhookChannel(WebhookOptions options)
    {
        Id = options.Id!;
        Timeout = options.Timeout;
        _url = new Uri(options.Url!);
        _token = Secret(options.BearerToken, options.BearerTokenFile);
        _signingKey = Secret(options.SigningKey, options.SigningKeyFile) is { } key ? Encoding.UTF8.GetBytes(key) : null;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.Timeout })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // each attempt has its own (the caller's token)
        };
    }

    public string Id { get; }

    public TimeSpan Timeout { get; }

    public async Task<DeliveryOutcome> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(entry.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, entry.Key);
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        if (_signingKey is not null)
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(_signingKey, body));
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            int code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => DeliveryOutcome.Ok,
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => new(DeliveryStatus.Transient, $"HTTP {code}"),
                _ => new(DeliveryStatus.Rejected, $"HTTP {code} {response.ReasonPhrase}"),
            };
        }
        catch (HttpRequestException ex)
        {
            return new(DeliveryStatus.Transient, ex.HttpRequestError + ": " + ex.Message);
        }
    }

    /// <summary>The signature header's value: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body.</summary>
    public static string Sign(byte[] key, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? Secret(string? value, string? file) =>
        !string.IsNullOrEmpty(value) ? value
        : !string.IsNullOrEmpty(file) ? File.ReadLines(file).FirstOrDefault()?.Trim()
        : null;
}
