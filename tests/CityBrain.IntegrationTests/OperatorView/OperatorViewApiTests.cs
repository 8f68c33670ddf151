using CityBrain.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityBrain.Hub.Health;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Options;
using Prometheus;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>The view's JSON API and its security over real HTTP (Kestrel on loopback).</summary>
public sealed class OperatorViewApiTests
{
    private const string Token = "0123456789abcdef-test-token";

    private static readonly Dictionary<string, string?> OfflineRule = new()
    {
        ["Hub:Alerts:Rules:0:Id"] = "node-offline",
        ["Hub:Alerts:Rules:0:Kind"] = "offline",
    };

    private static HttpClient Client(HubViewHost hub) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(hub.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };

    private static string FeedOfflineNode(HubViewHost hub)
    {
        var now = DateTimeOffset.UtcNow;
        var north = new NodeMessages("north", "n1", "node-n", "river-road");
        var south = new NodeMessages("south", "s2", "node-s", "hill-road");
        hub.Observer.OnStatus(north.Topic("status"), north.Online(now, ("bin-07", "fill_level", "%", 60_000)), now);
        hub.Observer.OnTelemetry(north.Topic("telemetry"), north.Telemetry(now, ("bin-07", "fill_level", 42, "%")), now);
        hub.Observer.OnStatus(south.Topic("status"), south.Online(now), now);
        hub.Observer.OnStatus(south.Topic("status"), south.Offline(now), now);
        return Assert.Single(hub.Alerts.GetActive()).Id;
    }

    [Fact]
    public async Task Start_NonLoopbackWithoutToken_FailsWithAClearError()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:OperatorView:Listen"] = "http://0.0.0.0:18080",
        }));

        Assert.Contains("Hub:OperatorView:Listen has http://0.0.0.0:18080, which is not loopback, and no token is set", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CHANGE-ME-to-a-long-random-token (or Hub__OperatorView__Token in the environment)")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("your-token-goes-here-1234")]
    public async Task Start_PlaceholderToken_IsRefused(string token)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:OperatorView:Token"] = token,
        }));

        Assert.Contains("Hub:OperatorView:Token is a placeholder, not a secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PlainHttpBeyondLoopback_NeedsHttpsOrAnExplicitAllowance()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:OperatorView:Listen"] = "http://0.0.0.0:18081",
            ["Hub:OperatorView:Token"] = Token,
        }));
        Assert.Contains("plain HTTP off this machine sends the token in clear text", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:OperatorView:Listen"] = "https://0.0.0.0:18081",
            ["Hub:OperatorView:Token"] = Token,
        }));
        Assert.Contains("CertificateFile and Hub:OperatorView:KeyFile are not both set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostHeader_OfAnotherName_IsRefused_OnALoopbackViewWithoutToken()
    {
        // DNS rebinding: a page on attacker.example rebinds its name to 127.0.0.1; its requests carry its own host name.
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        using var http = Client(hub);
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/alerts");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/alerts")).StatusCode);
        using var named = new HttpRequestMessage(HttpMethod.Get, "/api/alerts");
        named.Headers.Host = "localhost";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(named)).StatusCode);
    }

    [Fact]
    public async Task DistrictToken_SeesOnlyItsDistrict_AndAcknowledgesUnderItsHoldersName()
    {
        const string northToken = "north-centre-7f3a9c2e5b1d";
        const string cityToken = "city-brain-4e8b1f6a2c9d";
        var settings = new Dictionary<string, string?>(OfflineRule)
        {
            ["Hub:OperatorView:Tokens:0:Name"] = "ops-north",
            ["Hub:OperatorView:Tokens:0:Token"] = northToken,
            ["Hub:OperatorView:Tokens:0:District"] = "north",
            ["Hub:OperatorView:Tokens:1:Name"] = "city-brain",
            ["Hub:OperatorView:Tokens:1:Token"] = cityToken,
        };
        await using var hub = await HubViewHost.StartAsync(settings);
        string southAlert = FeedOfflineNode(hub); // node-s in district south is offline
        using var north = Client(hub);
        north.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", northToken);
        using var city = Client(hub);
        city.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cityToken);

        var seen = await north.GetFromJsonAsync<List<NodeView>>("/api/nodes?district=south", ViewJson.Options);
        Assert.Equal("node-n", Assert.Single(seen!).Node);
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/nodes/node-s")).StatusCode);
        using (var alerts = JsonDocument.Parse(await north.GetStringAsync("/api/alerts")))
        {
            Assert.Equal(0, alerts.RootElement.GetProperty("active").GetArrayLength());
        }

        using var northAck = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{southAlert}/ack");
        northAck.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        Assert.Equal(HttpStatusCode.NotFound, (await north.SendAsync(northAck)).StatusCode);

        Assert.Equal(2, (await city.GetFromJsonAsync<List<NodeView>>("/api/nodes", ViewJson.Options))!.Count);
        using var cityAck = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{southAlert}/ack") { Content = JsonContent.Create(new { by = "Alice" }) };
        cityAck.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        var ok = await city.SendAsync(cityAck);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        Assert.Equal("city-brain (Alice)", body.RootElement.GetProperty("ackBy").GetString());
    }

    [Fact]
    public async Task DistrictAndStreetTokens_NothingOutsideTheirScope_InAnyAnswer()
    {
        const string northToken = "north-centre-7f3a9c2e5b1d";
        const string streetToken = "river-road-office-2b7d9e";
        var settings = new Dictionary<string, string?>(OfflineRule)
        {
            ["Hub:OperatorView:Tokens:0:Name"] = "ops-north",
            ["Hub:OperatorView:Tokens:0:Token"] = northToken,
            ["Hub:OperatorView:Tokens:0:District"] = "north",
            ["Hub:OperatorView:Tokens:1:Name"] = "office-river-road",
            ["Hub:OperatorView:Tokens:1:Token"] = streetToken,
            ["Hub:OperatorView:Tokens:1:Street"] = "river-road",
        };
        await using var hub = await HubViewHost.StartAsync(settings, map: app => app.MapMetrics().RequireViewToken(cityWide: true));
        FeedOfflineNode(hub); // node-n (north, river-road) online; node-s (south, hill-road) offline
        var now = DateTimeOffset.UtcNow;
        var mill = new NodeMessages("north", "n2", "node-m", "mill-lane"); // north, another street: offline too
        hub.Observer.OnStatus(mill.Topic("status"), mill.Online(now, ("air", "pm10", "ug/m3", 60_000)), now);
        hub.Observer.OnTelemetry(mill.Topic("telemetry"), mill.Telemetry(now, ("air", "pm10", 20, "ug/m3")), now);
        hub.Observer.OnStatus(mill.Topic("status"), mill.Offline(now), now);
        await Poll.UntilAsync(() => Task.FromResult(hub.Alerts.GetActive().Count == 2), TimeSpan.FromSeconds(10), "two offline alerts (south, mill-lane)");
        using var north = Client(hub);
        north.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", northToken);
        using var street = Client(hub);
        street.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", streetToken);

        // The district token: its district's nodes and alerts in every list (live state, polling, sparks, inventory),
        // whatever the query asks for; the other district's in none.
        foreach (string path in new[] { "/api/state", "/api/state?district=south", "/api/sparks", "/api/catalogue/inventory", "/api/alerts", "/api/nodes?district=south" })
        {
            string body = await north.GetStringAsync(path);
            Assert.DoesNotContain("node-s", body, StringComparison.Ordinal);
            Assert.DoesNotContain("south", body, StringComparison.Ordinal);
        }

        var state = await north.GetFromJsonAsync<LiveState>("/api/state", ViewJson.Options);
        Assert.Equal(["node-m", "node-n"], state!.Nodes.Select(n => n.Node).Order());
        Assert.Equal("node-m", Assert.Single(state.Alerts.Active).Node);
        using (var events = await north.GetAsync("/api/events?district=south", HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await events.Content.ReadAsStreamAsync()))
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await ReadEventAsync<LiveSparklines>(reader, "sparks", cts.Token);
            var live = await ReadEventAsync<LiveState>(reader, "state", cts.Token);
            Assert.Equal(["node-m", "node-n"], live.Nodes.Select(n => n.Node).Order());
            Assert.All(live.Alerts.Active.Concat(live.Alerts.Recent), a => Assert.Equal("north", a.District));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/nodes/node-s")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await north.GetAsync("/metrics")).StatusCode); // names every node of the city

        // The street token: its street's grids only, not the rest of its district.
        Assert.Equal("node-n", Assert.Single((await street.GetFromJsonAsync<List<NodeView>>("/api/nodes", ViewJson.Options))!).Node);
        Assert.Equal(HttpStatusCode.NotFound, (await street.GetAsync("/api/nodes/node-m")).StatusCode);
        var streetState = await street.GetFromJsonAsync<LiveState>("/api/state", ViewJson.Options);
        Assert.Equal("node-n", Assert.Single(streetState!.Nodes).Node);
        Assert.Empty(streetState.Alerts.Active);
        Assert.Equal("node-n", Assert.Single((await street.GetFromJsonAsync<List<InventoryNode>>("/api/catalogue/inventory", ViewJson.Options))!).Node);
        using (var alerts = JsonDocument.Parse(await street.GetStringAsync("/api/alerts")))
        {
            Assert.Equal(0, alerts.RootElement.GetProperty("active").GetArrayLength());
        }

        string millAlert = hub.Alerts.GetActive().Single(a => a.Node == "node-m").Id;
        using var ack = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{millAlert}/ack");
        ack.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        Assert.Equal(HttpStatusCode.NotFound, (await street.SendAsync(ack)).StatusCode);
        using var viewer = JsonDocument.Parse(await street.GetStringAsync("/api/viewer"));
        Assert.Equal("river-road", viewer.RootElement.GetProperty("street").GetString());
    }

    [Fact]
    public async Task Https_WithAPemCertificate_ServesTheViewOverTls()
    {
        using var dir = new TempDirectory("view-tls");
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(dir.Combine("view.crt"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(dir.Combine("view.key"), key.ExportPkcs8PrivateKeyPem());
        }

        int port = FreePort.Get();
        await using var hub = await HubViewHost.StartAsync(new Dictionary<string, string?>(OfflineRule)
        {
            ["Hub:OperatorView:Listen"] = $"https://127.0.0.1:{port}",
            ["Hub:OperatorView:CertificateFile"] = dir.Combine("view.crt"),
            ["Hub:OperatorView:KeyFile"] = dir.Combine("view.key"),
        });
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync($"https://127.0.0.1:{port}/api/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Start_BadAlertRule_FailsNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:Alerts:Rules:0:Id"] = "bin-full",
            ["Hub:Alerts:Rules:0:Kind"] = "threshold",
            ["Hub:Alerts:Rules:0:Quantity"] = "fill_level",
        }));

        Assert.Contains("Hub:Alerts:Rules:0: give exactly one of Above or Below", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_Catalogue_ServesTheFileAndNodesFlagUncataloguedReadings()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        var now = DateTimeOffset.UtcNow;
        var node = new NodeMessages("north", "n1", "node-n", "river-road");
        hub.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(now, ("env-1", "air_temperature", 21.5, "°C"), ("env-1", "pm2_5", 9, "ug/m3")), now);
        using var http = Client(hub);

        var file = await http.GetAsync("/api/catalogue");
        Assert.Equal("application/json", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(CityBrain.Testing.RepoPaths.Combine("firmware-config", "catalogue", "quantities.json")), await file.Content.ReadAsByteArrayAsync());
        var detail = await http.GetFromJsonAsync<NodeView>("/api/nodes/node-n", ViewJson.Options);
        var quantities = detail!.Sensors.Single().Quantities;
        var celsius = quantities.Single(q => q.Quantity == "air_temperature");
        Assert.Equal(("°C", "unit_mismatch", "degC"), (celsius.Unit, celsius.Catalogue, celsius.CatalogueUnit));
        Assert.Null(quantities.Single(q => q.Quantity == "pm2_5").Catalogue);
        Assert.DoesNotContain("\"catalogue\":null", await http.GetStringAsync("/api/nodes/node-n"), StringComparison.Ordinal);

        hub.Observer.OnStatus(node.Topic("status"), node.Online(now, ("env-1", "air_temperature", "°C", 60_000), ("env-1", "pm2_5", "ug/m3", 60_000)), now);
        var inventory = await http.GetFromJsonAsync<List<InventoryNode>>("/api/catalogue/inventory", ViewJson.Options);
        var known = Assert.Single(inventory!);
        Assert.Equal(("node-n", "north", "river-road", "n1", "testcity"), (known.Node, known.District, known.Street, known.Grid, known.City));
        var sensor = Assert.Single(known.Sensors);
        Assert.Equal(("env-1", 60_000L), (sensor.Id, sensor.IntervalMs));
        Assert.Equal([new InventoryQuantity("air_temperature", "°C", "unit_mismatch"), new InventoryQuantity("pm2_5", "ug/m3", null)], sensor.Quantities.OrderBy(q => q.Quantity));
    }

    [Fact]
    public async Task Api_NodesFiltersAndNodeDetail()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        FeedOfflineNode(hub);
        using var http = Client(hub);

        var all = await http.GetFromJsonAsync<List<NodeView>>("/api/nodes", ViewJson.Options);
        Assert.Equal(["node-n", "node-s"], all!.Select(n => n.Node));
        var offline = await http.GetFromJsonAsync<List<NodeView>>("/api/nodes?status=offline", ViewJson.Options);
        Assert.Equal("node-s", Assert.Single(offline!).Node);
        var text = await http.GetFromJsonAsync<List<NodeView>>("/api/nodes?q=river", ViewJson.Options);
        Assert.Equal("node-n", Assert.Single(text!).Node);
        var detail = await http.GetFromJsonAsync<NodeView>("/api/nodes/node-n", ViewJson.Options);
        Assert.Equal(42, detail!.Sensors.Single().Quantities.Single().Value);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/nodes/nope")).StatusCode);
    }

    [Fact]
    public async Task Ack_NeedsTheCsrfHeader_ThenAcknowledges()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        string id = FeedOfflineNode(hub);
        using var http = Client(hub);

        var plain = await http.PostAsync($"/api/alerts/{id}/ack", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal("raised", Assert.Single(hub.Alerts.GetActive()).State);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{id}/ack") { Content = JsonContent.Create(new { by = "dispatch-7" }) };
        request.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        var ok = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        Assert.Equal(("acknowledged", "dispatch-7"), (body.RootElement.GetProperty("state").GetString(), body.RootElement.GetProperty("ackBy").GetString()));

        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/alerts/nope/ack");
        unknown.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(unknown)).StatusCode);

        using var alerts = JsonDocument.Parse(await http.GetStringAsync("/api/alerts"));
        Assert.Equal("acknowledged", alerts.RootElement.GetProperty("active")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Token_RequiredOnEveryRoute_BearerOrCookieFromQuery()
    {
        var settings = new Dictionary<string, string?>(OfflineRule) { ["Hub:OperatorView:Token"] = Token };
        await using var hub = await HubViewHost.StartAsync(settings, map: app => app.MapMetrics().RequireViewToken());
        string id = FeedOfflineNode(hub);
        using var http = Client(hub);

        foreach (string path in new[] { "/", "/assets/operator-view.js", "/api/nodes", "/api/alerts", "/api/events", "/metrics", "/?token=wrong-token-0123456789" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        }

        using var ack = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{id}/ack");
        ack.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(ack)).StatusCode);
        Assert.Equal("raised", Assert.Single(hub.Alerts.GetActive()).State);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        using var metrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        metrics.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(metrics)).StatusCode);

        var login = await http.GetAsync($"/?token={Token}&district=north");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/?district=north", login.Headers.Location!.OriginalString);
        string cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        var page = await http.SendAsync(withCookie);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("operators' view", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_StreamsTheStateAtOnce()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        FeedOfflineNode(hub);
        using var http = Client(hub);

        using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sparks = await ReadEventAsync<LiveSparklines>(reader, "sparks", cts.Token);
        Assert.Equal(42, Assert.Single(sparks.Nodes["node-n"]["bin-07"]["fill_level"]).V);
        var state = await ReadEventAsync<LiveState>(reader, "state", cts.Token);
        Assert.Equal(["node-n", "node-s"], state.Nodes.Select(n => n.Node));
        Assert.Empty(state.Nodes[0].Sensors!.Single().Quantities.Single().Spark);
        Assert.Equal("node-offline", Assert.Single(state.Alerts.Active).Rule);

        // A change is pushed within the event interval.
        var now = DateTimeOffset.UtcNow;
        var east = new NodeMessages("east", "e1", "node-e");
        hub.Observer.OnStatus(east.Topic("status"), east.Online(now), now);
        while (state.Nodes.Count < 3)
        {
            string? name = await reader.ReadLineAsync(cts.Token);
            string data = await DataAsync(reader, cts.Token);
            if (name == "event: state")
            {
                state = JsonSerializer.Deserialize<LiveState>(data, ViewJson.Options)!;
            }
        }

        Assert.Equal(["node-e", "node-n", "node-s"], state.Nodes.Select(n => n.Node));
    }

    [Fact]
    public async Task Events_ScopedByTheFilters_SummaryOfEveryNode_DetailAndSparksWithinScope()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        FeedOfflineNode(hub);
        using var http = Client(hub);

        using var response = await http.GetAsync("/api/events?district=north&q=bin", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sparks = await ReadEventAsync<LiveSparklines>(reader, "sparks", cts.Token);
        Assert.Equal(["node-n"], sparks.Nodes.Keys);
        Assert.Equal(42, Assert.Single(sparks.Nodes["node-n"]["bin-07"]["fill_level"]).V);
        var state = await ReadEventAsync<LiveState>(reader, "state", cts.Token);
        Assert.Equal(new ViewScope("north", null, null, "bin", 1, 1, true, OperatorViewOptions.DefaultMaxDetailSensors), state.Scope);
        Assert.Equal([("node-n", true, 1), ("node-s", false, 0)], state.Nodes.Select(n => (n.Node, n.InScope, n.Sensors?.Count ?? 0)));
        Assert.Null(state.Nodes[1].Sensors);
        Assert.Equal(("offline", "connection_lost"), (state.Nodes[1].Status, state.Nodes[1].OfflineReason));
        Assert.Equal(new SensorCounts(1, 0, 0, 0), state.Nodes[0].SensorCounts);
    }

    [Fact]
    public async Task Api_StateAndSparksForPolling_NodesSparklinesOnRequest()
    {
        await using var hub = await HubViewHost.StartAsync(OfflineRule);
        FeedOfflineNode(hub);
        using var http = Client(hub);

        var state = await http.GetFromJsonAsync<LiveState>("/api/state?district=north", ViewJson.Options);
        Assert.Equal(42, state!.Nodes.Single(n => n.InScope).Sensors!.Single().Quantities.Single().Value);
        var sparks = await http.GetFromJsonAsync<LiveSparklines>("/api/sparks?district=north", ViewJson.Options);
        Assert.Equal(42, Assert.Single(sparks!.Nodes["node-n"]["bin-07"]["fill_level"]).V);

        var plain = await http.GetFromJsonAsync<List<NodeView>>("/api/nodes", ViewJson.Options);
        Assert.Empty(plain!.Single(n => n.Node == "node-n").Sensors.Single().Quantities.Single().Spark);
        var withSparks = await http.GetFromJsonAsync<List<NodeView>>("/api/nodes?sparklines=true&district=north", ViewJson.Options);
        Assert.Equal(42, Assert.Single(Assert.Single(withSparks!).Sensors.Single().Quantities.Single().Spark).V);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/nodes?sparklines=maybe")).StatusCode);
    }

    [Fact]
    public async Task Api_CapExceeded_SummariesOnly_NodeDetailStillServed()
    {
        await using var hub = await HubViewHost.StartAsync(new Dictionary<string, string?>(OfflineRule) { ["Hub:OperatorView:MaxDetailSensors"] = "0" });
        FeedOfflineNode(hub);
        using var http = Client(hub);

        var state = await http.GetFromJsonAsync<LiveState>("/api/state", ViewJson.Options);
        Assert.Equal((2, 1, false, 0), (state!.Scope.Nodes, state.Scope.Sensors, state.Scope.Detail, state.Scope.MaxDetailSensors));
        Assert.All(state.Nodes, n => Assert.Null(n.Sensors));
        Assert.Empty((await http.GetFromJsonAsync<LiveSparklines>("/api/sparks", ViewJson.Options))!.Nodes);
        var detail = await http.GetFromJsonAsync<NodeView>("/api/nodes/node-n", ViewJson.Options);
        Assert.Equal(42, Assert.Single(detail!.Sensors.Single().Quantities.Single().Spark).V);
    }

    [Fact]
    public async Task Start_MaxDetailSensorsOutOfRange_FailsNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HubViewHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:OperatorView:MaxDetailSensors"] = "-5",
        }));

        Assert.Contains("Hub:OperatorView:MaxDetailSensors is -5; use a number between 0", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<T> ReadEventAsync<T>(StreamReader reader, string name, CancellationToken ct)
    {
        Assert.Equal($"event: {name}", await reader.ReadLineAsync(ct));
        return JsonSerializer.Deserialize<T>(await DataAsync(reader, ct), ViewJson.Options)!;
    }

    private static async Task<string> DataAsync(StreamReader reader, CancellationToken ct)
    {
        string data = (await reader.ReadLineAsync(ct))!;
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        Assert.Equal("", await reader.ReadLineAsync(ct));
        return data["data: ".Length..];
    }
}
