using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using CityBrain.Hub.Notifications;

namespace CityBrain.IntegrationTests.Notifications;

/// <summary>
/// A webhook receiver on loopback (HttpListener): records every POST (idempotency key, body, whether the HMAC signature
/// checked out) and answers 200. Can be stopped and started again on the same port to play a receiver that is down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly byte[] _signingKey;
    private HttpListener? _listener;
    private Task? _loop;

    public WebhookReceiver(int port, string signingKey)
    {
        Port = port;
        _signingKey = Encoding.UTF8.GetBytes(signingKey);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook/";

    /// <summary>Every request received, in order (duplicates included).</summary>
    public ConcurrentQueue<(string Key, NotificationMessage Message, bool SignatureValid, string? Bearer)> Received { get; } = new();

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add(Url);
        _listener.Start();
        var listener = _listener;
        _loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                byte[] bytes = body.ToArray();
                string key = context.Request.Headers[WebhookChannel.IdempotencyHeader] ?? "";
                bool valid = context.Request.Headers[WebhookChannel.SignatureHeader] == WebhookChannel.Sign(_signingKey, bytes);
                var message = JsonSerializer.Deserialize(bytes, NotificationJsonContext.Default.NotificationMessage)!;
                Received.Enqueue((key, message, valid, context.Request.Headers["Authorization"]));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
    }

    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        _listener.Stop();
        _listener.Close();
        _listener = null;
        await _loop!;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
