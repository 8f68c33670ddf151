using CityBrain.Hub.Notifications;

namespace CityBrain.Hub.Tests.Notifications;

public sealed class NotificationOptionsValidatorTests
{
    private static readonly HashSet<string> Rules = ["node-offline"];

    [Fact]
    public void BadWebhook_NamesPathValueAndFix_WithoutTheSecret()
    {
        var o = new NotificationOptions();
        o.Webhooks.Add(new WebhookOptions { Id = "ops", Url = "ftp://example.org/x", BearerToken = "s3cret-token", BearerTokenFile = "/nonexistent/token" });

        var errors = NotificationOptionsValidator.Check(o, Rules);

        var url = Assert.Single(errors, e => e.Path == "/Hub/Notifications/Webhooks/0/Url");
        Assert.Equal("ftp://example.org/x", url.Value);
        Assert.Contains("https", url.Fix, StringComparison.Ordinal);
        Assert.Contains(errors, e => e.Path == "/Hub/Notifications/Webhooks/0/BearerTokenFile");
        Assert.DoesNotContain(errors, e => e.ToString().Contains("s3cret-token", StringComparison.Ordinal));
    }

    [Fact]
    public void Escalation_UnknownRule_ShrinkingDelays_AndALevelWithoutChannels_AreEachReported()
    {
        var o = new NotificationOptions();
        o.Webhooks.Add(new WebhookOptions { Id = "ops", Url = "https://example.org/hook" });
        o.Levels.Grid.Add("ops");
        o.Levels.Street.Add("nobody");
        o.Escalation.Add(new EscalationOptions { Rule = "no-such-rule", Street = TimeSpan.FromMinutes(30), District = TimeSpan.FromMinutes(10) });

        var paths = NotificationOptionsValidator.Check(o, Rules).Select(e => e.Path).ToList();

        Assert.Equal(
            ["/Hub/Notifications/Levels/Street/0", "/Hub/Notifications/Escalation/0/Rule", "/Hub/Notifications/Escalation/0/District", "/Hub/Notifications/Escalation/0/District"],
            paths);
    }
}
