namespace CityBrain.Hub.Notifications;

/// <summary>One webhook channel (an item of <c>Hub:Notifications:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Unique channel id (lower-case letters, digits and '-'); part of every idempotency key.</summary>
    public string? Id { get; set; }

    /// <summary>Absolute http or https URL the notification is POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>Optional bearer token (sent as <c>Authorization: Bearer</c>; never logged). Prefer <see cref="BearerTokenFile"/>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Optional file holding the bearer token (first line), readable by the hub only.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>Optional HMAC-SHA256 key: the body's signature is sent as <c>X-CityBrain-Signature: sha256=HEX</c> (never logged).</summary>
    public string? SigningKey { get; set; }

    /// <summary>Optional file holding the signing key (first line).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
