using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// The operators' view in real headless Chromium (Debian package <c>chromium</c>), fed by simulated edge nodes through
/// a real Mosquitto: the page groups nodes by district and grid, a node whose connection is lost (its Will) turns
/// red within seconds, an alert appears and can be acknowledged. Saves TestResults/operator-view.png.
/// </summary>
public sealed class OperatorViewBrowserTests(ITestOutputHelper output)
{
    public const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private static readonly string ResultsDir = Path.Combine(AppContext.BaseDirectory, "TestResults");

    [Fact]
    public async Task Page_ShowsNodesByDistrictAndGrid_OfflineTurnsRed_AlertAppearsAndIsAcknowledged()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the Debian package 'chromium' (apt-get install -y chromium).");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        await using var broker = await MosquittoServer.StartAsync();
        await using var hub = await HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:Alerts:TimeZone"] = "Europe/Berlin",
            ["Hub:Alerts:Rules:0:Id"] = "bin-full",
            ["Hub:Alerts:Rules:0:Kind"] = "threshold",
            ["Hub:Alerts:Rules:0:Description"] = "Bin over 90% full",
            ["Hub:Alerts:Rules:0:Quantity"] = "fill_level",
            ["Hub:Alerts:Rules:0:Above"] = "90",
            ["Hub:Alerts:Rules:0:Clear"] = "80",
            ["Hub:Alerts:Rules:0:For"] = "00:00:01",
            ["Hub:Alerts:Rules:1:Id"] = "node-offline",
            ["Hub:Alerts:Rules:1:Kind"] = "offline",
            ["Hub:Alerts:Rules:1:Severity"] = "critical",
            ["Hub:Alerts:Rules:1:Description"] = "Node offline",
        });
        await using var feed = new MqttNodeFeed(hub.Observer, TimeProvider.System);
        await feed.StartAsync(broker.Host, broker.Port, ct);

        await using var bins = new SimulatedEdgeNode("centre", "c4", "node-bins", "market-square");
        await using var air = new SimulatedEdgeNode("centre", "c5", "node-air", "station-road");
        await using var traffic = new SimulatedEdgeNode("harbour", "h1", "node-traffic", "quay-street");
        foreach (var node in new[] { bins, air, traffic })
        {
            await node.ConnectAsync(broker.Host, broker.Port, ct);
        }

        await bins.OnlineAsync(ct, ("bin-07", "fill_level", "%", 60_000), ("bin-08", "fill_level", "%", 60_000));
        await bins.HistoryAsync("bin-07", "fill_level", "%", i => 40 + (i * 0.6), 70, ct);
        await bins.HistoryAsync("bin-08", "fill_level", "%", i => 20 + (i % 10), 25, ct);
        await bins.HealthAsync(ct);
        await air.OnlineAsync(ct, ("air", "pm2_5", "ug/m3", 10_000), ("air", "pm10", "ug/m3", 10_000), ("mic", "noise_laeq", "dB(A)", 10_000));
        await air.HistoryAsync("air", "pm2_5", "ug/m3", i => 20 + (10 * Math.Sin(i / 6.0)), 24, ct);
        await air.HistoryAsync("air", "pm10", "ug/m3", i => 35 + (12 * Math.Sin(i / 9.0)), 41, ct);
        await air.HistoryAsync("mic", "noise_laeq", "dB(A)", i => 50 + (i % 7), 53, ct);
        await air.HealthAsync(ct, new SensorHealth { Id = "mic", Status = SensorHealth.Fault, LastError = new FaultInfo("timeout", "no answer from the sound level meter within 500 ms", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Faults = 3 });
        await traffic.OnlineAsync(ct, ("loop-1", "occupancy", "%", 10_000), ("loop-1", "vehicle_count", "count", 10_000));
        await traffic.HistoryAsync("loop-1", "occupancy", "%", i => 30 + (25 * Math.Sin(i / 8.0)), 44, ct);
        await traffic.HistoryAsync("loop-1", "vehicle_count", "count", i => 12 + (i % 5), 14, ct);
        await traffic.HealthAsync(ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);
        try
        {
            await page.GotoAsync(hub.BaseUrl + "/");
            await CheckPageAsync(page, hub, bins, traffic, ct);
        }
        catch (Exception)
        {
            // Keep what the browser showed for the post-mortem.
            Directory.CreateDirectory(ResultsDir);
            string failed = Path.Combine(ResultsDir, "operator-view-failure.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = failed, FullPage = true });
            output.WriteLine($"failure screenshot: {failed}");
            output.WriteLine($"live indicator: {await page.Locator("#connection").TextContentAsync()}");
            foreach (var n in hub.Registry.GetNodes(sparklines: false))
            {
                output.WriteLine($"hub registry: {n.Node} {n.Status} state={n.State} reason={n.OfflineReason} lastSeen={n.LastSeen:O}");
            }

            output.WriteLine($"hub alerts: {string.Join(", ", hub.Alerts.GetActive().Select(a => $"{a.Rule}/{a.Node}/{a.State}"))}");
            output.WriteLine(await page.ContentAsync());
            throw;
        }
    }

    private async Task CheckPageAsync(IPage page, HubViewHost hub, SimulatedEdgeNode bins, SimulatedEdgeNode traffic, CancellationToken ct)
    {
        // Grouped by district, then grid.
        var centreC4 = page.Locator("section.district[data-district='centre'] section.grid[data-grid='c4']");
        await Assertions.Expect(centreC4.Locator("[data-node='node-bins']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("section.district[data-district='centre'] section.grid[data-grid='c5'] [data-node='node-air']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("section.district[data-district='harbour'] section.grid[data-grid='h1'] [data-node='node-traffic']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-node='node-bins']")).ToHaveAttributeAsync("data-status", "online");
        await Assertions.Expect(page.Locator("[data-node='node-air']")).ToHaveAttributeAsync("data-status", "fault");
        await Assertions.Expect(page.Locator("[data-node='node-bins'] [data-sensor='bin-07'] [data-quantity='fill_level'] .val")).ToContainTextAsync("70 %"); // fill_level: the catalogue shows whole percent
        await Assertions.Expect(page.Locator("[data-node='node-bins'] [data-sensor='bin-07'] svg.spark polyline")).ToHaveCountAsync(1);
        await BorderColourAsync(page, "node-bins", "rgb(31, 157, 85)");

        // The traffic node loses its connection: the broker publishes its Will; the row turns red within seconds.
        var lost = DateTime.UtcNow;
        await traffic.LoseConnectionAsync(ct);
        await Assertions.Expect(page.Locator("[data-node='node-traffic']")).ToHaveAttributeAsync("data-status", "offline", new() { Timeout = 8000 });
        await BorderColourAsync(page, "node-traffic", "rgb(214, 69, 69)");
        output.WriteLine($"offline shown red {(DateTime.UtcNow - lost).TotalMilliseconds:0} ms after the connection was lost");
        await Assertions.Expect(page.Locator("tr[data-rule='node-offline']")).ToBeVisibleAsync();

        // A bin goes over 90 %: after the 1 s minimum duration the alert appears; acknowledge it.
        await bins.ReadingAsync("bin-07", "fill_level", 94.5, "%", ct);
        var binAlert = page.Locator("tr[data-rule='bin-full']");
        await Assertions.Expect(binAlert).ToBeVisibleAsync();
        await Assertions.Expect(binAlert).ToHaveAttributeAsync("data-state", "raised");
        await Assertions.Expect(binAlert).ToContainTextAsync("market-square");
        await binAlert.Locator("button.ack").ClickAsync();
        await Assertions.Expect(binAlert).ToHaveAttributeAsync("data-state", "acknowledged");
        await Assertions.Expect(binAlert.Locator(".alert-state")).ToContainTextAsync("acknowledged");
        var acked = Assert.Single(hub.Alerts.GetActive(), a => a.Rule == "bin-full");
        Assert.Equal(("acknowledged", "operator"), (acked.State, acked.AckBy));

        // Filters: status offline leaves only the traffic node.
        await page.SelectOptionAsync("#f-status", "offline");
        await Assertions.Expect(page.Locator("article.node")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#f-status", "");
        await Assertions.Expect(page.Locator("article.node")).ToHaveCountAsync(3);

        Directory.CreateDirectory(ResultsDir);
        string shot = Path.Combine(ResultsDir, "operator-view.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 10_000);
    }

    [Fact]
    public async Task Page_CapExceeded_ShowsSummariesAndAHint_OpensANodesSensors_NarrowFilterBringsDetail()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the Debian package 'chromium' (apt-get install -y chromium).");
        await using var hub = await HubViewHost.StartAsync(new Dictionary<string, string?> { ["Hub:OperatorView:MaxDetailSensors"] = "3" });
        var now = DateTimeOffset.UtcNow;
        var bins = new NodeMessages("centre", "c4", "node-bins", "market-square");
        var air = new NodeMessages("centre", "c5", "node-air", "station-road");
        var traffic = new NodeMessages("harbour", "h1", "node-traffic", "quay-street");
        hub.Observer.OnStatus(bins.Topic("status"), bins.Online(now, ("bin-07", "fill_level", "%", 60_000), ("bin-08", "fill_level", "%", 60_000)), now);
        hub.Observer.OnStatus(air.Topic("status"), air.Online(now, ("air", "pm2_5", "ug/m3", 60_000), ("mic", "noise_laeq", "dB(A)", 60_000)), now);
        hub.Observer.OnStatus(traffic.Topic("status"), traffic.Online(now, ("loop-1", "occupancy", "%", 60_000)), now);
        hub.Observer.OnTelemetry(bins.Topic("telemetry"), History(bins, now, "bin-07", "fill_level", "%", i => 40 + (i * 0.5), 70), now);
        hub.Observer.OnTelemetry(bins.Topic("telemetry"), bins.Telemetry(now, ("bin-08", "fill_level", 25, "%")), now);
        hub.Observer.OnTelemetry(air.Topic("telemetry"), air.Telemetry(now, ("air", "pm2_5", 24, "ug/m3"), ("mic", "noise_laeq", 53, "dB(A)")), now);
        hub.Observer.OnTelemetry(traffic.Topic("telemetry"), traffic.Telemetry(now, ("loop-1", "occupancy", 44, "%")), now);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);
        try
        {
            await page.GotoAsync(hub.BaseUrl + "/");

            // 5 sensors in the whole city, cap 3: every node as a summary with its sensors per status, and a hint.
            var binsCard = page.Locator("[data-node='node-bins']");
            await Assertions.Expect(page.Locator("article.node")).ToHaveCountAsync(3);
            await Assertions.Expect(page.Locator("#scope-hint")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#scope-hint")).ToContainTextAsync("3 nodes with 5 sensors match: more than 3");
            await Assertions.Expect(binsCard.Locator(".sensor-counts")).ToContainTextAsync("2 sensors");
            await Assertions.Expect(binsCard.Locator("[data-count='ok']")).ToContainTextAsync("2");
            await Assertions.Expect(page.Locator("[data-sensor]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-node='node-traffic']")).ToHaveAttributeAsync("data-status", "online");

            // Opening a node fetches its detail, sparklines included.
            await binsCard.Locator("button[data-open]").ClickAsync();
            await Assertions.Expect(binsCard.Locator("[data-sensor='bin-07'] [data-quantity='fill_level'] .val")).ToContainTextAsync("70 %"); // fill_level: the catalogue shows whole percent
            await Assertions.Expect(binsCard.Locator("[data-sensor='bin-07'] svg.spark polyline")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-node='node-air'] [data-sensor]")).ToHaveCountAsync(0);
            Directory.CreateDirectory(ResultsDir);
            string shot = Path.Combine(ResultsDir, "operator-view-summaries.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            output.WriteLine($"screenshot: {shot}");
            await binsCard.Locator("button[data-close]").ClickAsync();
            await Assertions.Expect(binsCard.Locator("[data-sensor]")).ToHaveCountAsync(0);

            // A filter within the cap: the hub sends that scope's detail, the hint goes.
            await page.SelectOptionAsync("#f-district", "centre");
            await page.SelectOptionAsync("#f-grid", "c5");
            await Assertions.Expect(page.Locator("article.node")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-node='node-air'][data-detail='true'] [data-sensor='mic'] .val")).ToContainTextAsync("53.0 dB(A)");
            await Assertions.Expect(page.Locator("#scope-hint")).ToBeHiddenAsync();

            // Search reaches sensors of nodes sent without detail: the hub answers for the scope.
            await page.SelectOptionAsync("#f-district", "");
            await page.FillAsync("#f-text", "loop-1");
            await Assertions.Expect(page.Locator("article.node")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-node='node-traffic'] [data-sensor='loop-1']")).ToBeVisibleAsync();

            // Without EventSource the page polls the same scoped payloads (/api/state, /api/sparks).
            var polling = await browser.NewPageAsync();
            await polling.AddInitScriptAsync("delete window.EventSource;");
            await polling.GotoAsync(hub.BaseUrl + "/");
            await Assertions.Expect(polling.Locator("#connection")).ToHaveTextAsync("polling");
            await Assertions.Expect(polling.Locator("article.node")).ToHaveCountAsync(3);
            await Assertions.Expect(polling.Locator("#scope-hint")).ToBeVisibleAsync();
            await polling.SelectOptionAsync("#f-district", "centre");
            await polling.SelectOptionAsync("#f-grid", "c4");
            await Assertions.Expect(polling.Locator("[data-node='node-bins'][data-detail='true'] [data-sensor='bin-07'] svg.spark polyline")).ToHaveCountAsync(1);
        }
        catch (Exception)
        {
            Directory.CreateDirectory(ResultsDir);
            string failed = Path.Combine(ResultsDir, "operator-view-summaries-failure.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = failed, FullPage = true });
            output.WriteLine($"failure screenshot: {failed}");
            output.WriteLine(await page.ContentAsync());
            throw;
        }
    }

    /// <summary>An hour of readings of one quantity (one a minute, then <paramref name="last"/> now) in one batch.</summary>
    private static TelemetryMessage History(NodeMessages node, DateTimeOffset now, string sensor, string quantity, string unit, Func<int, double> value, double last)
    {
        var batch = node.Telemetry(now, [.. Enumerable.Range(0, 60).Select(i => (sensor, quantity, value(i), unit)), (sensor, quantity, last, unit)]);
        return new TelemetryMessage(node.Node, now, [.. batch.Readings.Select((r, i) => r with { Reading = r.Reading with { Timestamp = i < 60 ? now.AddMinutes(i - 60) : now } })]);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    /// <summary>The node card's status colour (retried: the live view re-renders its cards as events arrive, and a card
    /// read while being replaced has no computed style).</summary>
    private static Task BorderColourAsync(IPage page, string node, string expected) =>
        Assertions.Expect(page.Locator($"[data-node='{node}']")).ToHaveCSSAsync("border-left-color", expected);
}
