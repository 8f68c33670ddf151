using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Hub.Registry;
using CityBrain.IntegrationTests.Edge;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;
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
            await SaveFailureAsync(page, "operator-view-summaries-failure.png");
            throw;
        }
    }

    [Fact]
    public async Task Page_GroupsByEveryLevelOfTheRegistry_GroupsCollapseAndCountHealth_ADistrictTokenSeesOnlyItsDistrict()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the Debian package 'chromium' (apt-get install -y chromium).");
        const string cityToken = "city-brain-4e8b1f6a2c9d";
        const string harbourToken = "ccc-harbour-7f3a9c2e5b1d";
        var registry = GridRegistryLoader.Parse(File.ReadAllText(ExampleRegistryAcl.RegistryPath), ExampleRegistryAcl.RegistryPath);
        await using var hub = await HubViewHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Hub:OperatorView:Tokens:0:Name"] = "city-brain",
                ["Hub:OperatorView:Tokens:0:Token"] = cityToken,
                ["Hub:OperatorView:Tokens:1:Name"] = "ccc-harbour",
                ["Hub:OperatorView:Tokens:1:Token"] = harbourToken,
                ["Hub:OperatorView:Tokens:1:District"] = "harbour",
            },
            services => services.AddSingleton(new HubGridRegistry(registry)));

        // deploy/grids.example.json: metropolis / harbour / quay-road / quay-north / g-0417 / n-harbour-01, ... (the
        // nodes report district, street and grid; community and city come from the registry).
        var now = DateTimeOffset.UtcNow;
        var h1 = new NodeMessages("harbour", "g-0417", "n-harbour-01", "quay-road");
        var h2 = new NodeMessages("harbour", "g-0418", "n-harbour-02", "quay-road");
        var h3 = new NodeMessages("harbour", "g-0420", "n-harbour-03", "dock-street");
        var o1 = new NodeMessages("old-town", "g-0101", "n-oldtown-01", "market-street");
        hub.Observer.OnStatus(h1.Topic("status"), h1.Online(now, ("bin-07", "fill_level", "%", 60_000)), now);
        hub.Observer.OnTelemetry(h1.Topic("telemetry"), h1.Telemetry(now, ("bin-07", "fill_level", 40, "%")), now);
        hub.Observer.OnStatus(h2.Topic("status"), h2.Online(now, ("air", "pm10", "ug/m3", 60_000), ("mic", "noise_laeq", "dB(A)", 60_000)), now);
        hub.Observer.OnTelemetry(h2.Topic("telemetry"), h2.Telemetry(now, ("air", "pm10", 20, "ug/m3"), ("mic", "noise_laeq", 50, "dB(A)")), now);
        hub.Observer.OnHealth(h2.Topic("health"), h2.Health(now, 60, 0, new SensorHealth { Id = "mic", Status = SensorHealth.Fault, LastError = new FaultInfo("timeout", "no answer", now.ToUnixTimeMilliseconds()), Faults = 1 }), now);
        hub.Observer.OnStatus(h3.Topic("status"), h3.Online(now, ("loop-1", "occupancy", "%", 60_000)), now);
        hub.Observer.OnStatus(h3.Topic("status"), h3.Offline(now), now);
        hub.Observer.OnStatus(o1.Topic("status"), o1.Online(now, ("bin-01", "fill_level", "%", 60_000)), now);
        hub.Observer.OnTelemetry(o1.Topic("telemetry"), o1.Telemetry(now, ("bin-01", "fill_level", 10, "%")), now);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);
        try
        {
            await page.GotoAsync(hub.BaseUrl + "/?token=" + cityToken);

            // Every level, nested: city → district → street → community → grid → node → sensor.
            var quayRoad = page.Locator("section.city[data-city='metropolis'] > .group-body > section.district[data-district='harbour'] > .group-body > section.street[data-street='quay-road']");
            await Assertions.Expect(quayRoad.Locator("> .group-body > section.community[data-community='quay-north'] > .group-body > section.grid[data-grid='g-0417'] [data-node='n-harbour-01'] [data-sensor='bin-07']")).ToBeVisibleAsync();
            await Assertions.Expect(quayRoad.Locator("section.community[data-community='quay-south'] section.grid[data-grid='g-0418'] [data-node='n-harbour-02']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("section.street[data-street='dock-street'] section.community[data-community='docklands'] section.grid[data-grid='g-0420'] [data-node='n-harbour-03']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("section.district[data-district='old-town'] section.street[data-street='market-street'] section.community[data-community='market-square'] [data-node='n-oldtown-01']")).ToBeVisibleAsync();

            // Each group's health: its nodes, their sensors ok / stale / fault, offline nodes.
            await HealthAsync(page, "city", "metropolis", "4 nodes", ok: 3, stale: 0, fault: 1, offline: 1);
            await HealthAsync(page, "district", "harbour", "3 nodes", ok: 2, stale: 0, fault: 1, offline: 1);
            await HealthAsync(page, "street", "quay-road", "2 nodes", ok: 2, stale: 0, fault: 1, offline: 0);
            await HealthAsync(page, "community", "quay-north", "1 node", ok: 1, stale: 0, fault: 0, offline: 0);
            await HealthAsync(page, "district", "old-town", "1 node", ok: 1, stale: 0, fault: 0, offline: 0);

            // Folding a street hides its communities, grids and nodes, keeps its summary, and stays folded across live updates.
            await quayRoad.Locator("> h3 button.group-toggle").ClickAsync();
            await Assertions.Expect(quayRoad).ToHaveAttributeAsync("data-collapsed", "true");
            await Assertions.Expect(page.Locator("[data-node='n-harbour-01']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-node='n-harbour-02']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-node='n-harbour-03']")).ToBeVisibleAsync();
            await Assertions.Expect(quayRoad.Locator("> h3 .group-health [data-count='fault']")).ToContainTextAsync("1");
            var later = DateTimeOffset.UtcNow;
            hub.Observer.OnTelemetry(o1.Topic("telemetry"), o1.Telemetry(later, ("bin-01", "fill_level", 77, "%")), later);
            await Assertions.Expect(page.Locator("[data-node='n-oldtown-01'] [data-sensor='bin-01'] .val")).ToContainTextAsync("77 %");
            await Assertions.Expect(page.Locator("[data-node='n-harbour-01']")).ToHaveCountAsync(0);
            await quayRoad.Locator("> h3 button.group-toggle").ClickAsync();
            await Assertions.Expect(page.Locator("[data-node='n-harbour-01']")).ToBeVisibleAsync();
            Directory.CreateDirectory(ResultsDir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ResultsDir, "operator-view-hierarchy.png"), FullPage = true });

            // A district command centre's token: its district only, on the page as in the API.
            var harbour = await browser.NewPageAsync();
            harbour.SetDefaultTimeout((float)Within.TotalMilliseconds);
            await harbour.GotoAsync(hub.BaseUrl + "/?token=" + harbourToken);
            await Assertions.Expect(harbour.Locator("[data-node='n-harbour-01']")).ToBeVisibleAsync();
            await Assertions.Expect(harbour.Locator("article.node")).ToHaveCountAsync(3);
            await Assertions.Expect(harbour.Locator("section.district")).ToHaveCountAsync(1);
            await Assertions.Expect(harbour.Locator("[data-node='n-oldtown-01']")).ToHaveCountAsync(0);
            await Assertions.Expect(harbour.Locator("#f-district option")).ToHaveTextAsync(["all", "harbour"]);
            await HealthAsync(harbour, "city", "metropolis", "3 nodes", ok: 2, stale: 0, fault: 1, offline: 1);
        }
        catch (Exception)
        {
            await SaveFailureAsync(page, "operator-view-hierarchy-failure.png");
            throw;
        }
    }

    [Fact]
    public async Task ReadNowButton_AsksTheRealNodeThroughBrokerAndHub_ShowsTheAnsweredReading()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the Debian package 'chromium' (apt-get install -y chromium).");
        const string readerToken = "duty-officer-0123456789";
        const string node = "n-read-now-01";
        await using var broker = await MosquittoServer.StartAsync();
        await using var hub = await HubProcess.StartAsync(http =>
        {
            var json = JsonNode.Parse(HubConfig.Json(broker.Port, "hub-read-now", [HubConfig.InfluxV1("http://127.0.0.1:9", "citybrain")], httpPort: http))!;
            json["Hub"]!["OperatorView"] = new JsonObject
            {
                ["Tokens"] = new JsonArray(new JsonObject { ["Name"] = "duty-officer", ["Token"] = readerToken, ["ReadNow"] = true }),
            };
            return json.ToJsonString();
        });

        // A real edge node (in-process) whose simulated sensor polls once a minute: what "read now" shows is the node's answer.
        await using var edge = await EdgeNodeHarness.StartAsync(buffer => EdgeNodeHarness.Config(
            broker.Port, """[ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 60000, "seed": 7 } ]""", buffer, nodeId: node));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);
        try
        {
            await page.GotoAsync($"http://127.0.0.1:{hub.HttpPort}/?token={readerToken}");
            var sensor = page.Locator($"[data-node='{node}'] [data-sensor='env-01']");
            var button = sensor.Locator("button.read-now");
            await Assertions.Expect(button).ToBeVisibleAsync(new() { Timeout = 30_000 }); // the node's birth, then the page's next state
            await Assertions.Expect(sensor.Locator(".read-now-result")).ToHaveCountAsync(0);

            var response = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Url.EndsWith($"/api/nodes/{node}/sensors/env-01/read", StringComparison.Ordinal));
            Assert.Equal(200, response.Status);
            using var answer = JsonDocument.Parse(await response.TextAsync());
            Assert.Equal("ok", answer.RootElement.GetProperty("status").GetString());
            var readings = answer.RootElement.GetProperty("readings").EnumerateArray()
                .Select(r => (Quantity: r.GetProperty("quantity").GetString()!, Value: r.GetProperty("value").GetDouble()))
                .ToList();
            Assert.NotEmpty(readings);

            // The page shows every reading of the answer as the catalogue formats it, and no error.
            var result = sensor.Locator(".read-now-result");
            foreach (var (quantity, value) in readings)
            {
                Assert.True(QuantityCatalogue.Default.TryGet(quantity, out var entry), $"{quantity} is not in the catalogue");
                // .NET and the page's toFixed round the same exact binary value; on an exact tie (48.5) .NET rounds to even
                // and toFixed up, so either is the catalogue's format of this value.
                string roundedUp = entry.Format(Math.Round(value, entry.Display.Decimals, MidpointRounding.AwayFromZero));
                await Assertions.Expect(result).ToContainTextAsync(new System.Text.RegularExpressions.Regex(
                    System.Text.RegularExpressions.Regex.Escape($"{quantity} ") + "(" + System.Text.RegularExpressions.Regex.Escape(entry.Format(value)) + "|" + System.Text.RegularExpressions.Regex.Escape(roundedUp) + ")"));
            }

            string shown = (await result.TextContentAsync())!;
            output.WriteLine($"read now shows: {shown}");
            Assert.DoesNotContain("HTTP", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("failed", shown, StringComparison.Ordinal);
        }
        catch (Exception)
        {
            await SaveFailureAsync(page, "operator-view-read-now-failure.png");
            output.WriteLine("hub: " + hub.Tail());
            throw;
        }
    }

    /// <summary>Keeps what the browser showed for the post-mortem: a screenshot in TestResults and the page's HTML in the output.</summary>
    private async Task SaveFailureAsync(IPage page, string file)
    {
        Directory.CreateDirectory(ResultsDir);
        string failed = Path.Combine(ResultsDir, file);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = failed, FullPage = true });
        output.WriteLine($"failure screenshot: {failed}");
        output.WriteLine(await page.ContentAsync());
    }

    /// <summary>The health summary in the heading of the <paramref name="level"/> group <paramref name="value"/>.</summary>
    private static async Task HealthAsync(IPage page, string level, string value, string nodes, int ok, int stale, int fault, int offline)
    {
        var health = page.Locator($"section.{level}[data-{level}='{value}'] > h3 .group-health");
        await Assertions.Expect(health).ToContainTextAsync(nodes);
        await Assertions.Expect(health.Locator("[data-count='ok']")).ToHaveTextAsync($"ok {ok}");
        await Assertions.Expect(health.Locator("[data-count='stale']")).ToHaveTextAsync($"stale {stale}");
        await Assertions.Expect(health.Locator("[data-count='fault']")).ToHaveTextAsync($"fault {fault}");
        await Assertions.Expect(health.Locator("[data-count='offline']")).ToHaveCountAsync(offline > 0 ? 1 : 0);
        if (offline > 0)
        {
            await Assertions.Expect(health.Locator("[data-count='offline']")).ToHaveTextAsync($"offline {offline}");
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
