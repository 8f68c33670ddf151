using CityBrain.Hub.Alerts;
using CityBrain.Testing;
using Microsoft.Extensions.Configuration;

namespace CityBrain.Hub.Tests.Alerts;

public sealed class AlertOptionsValidationTests
{
    [Fact]
    public void Validate_BadRules_NameTheFieldTheValueAndTheFix()
    {
        var options = new AlertOptions { TimeZone = "Mars/Olympus" };
        options.Rules.Add(new AlertRuleOptions { Id = "bin full", Kind = "treshold", Quantity = "fill_level", Above = 90 });
        options.Rules.Add(new AlertRuleOptions { Id = "pm", Kind = AlertKinds.Threshold, Quantity = "pm2_5", Above = 75, Clear = 80 });
        options.Rules.Add(new AlertRuleOptions { Id = "pm", Kind = AlertKinds.Threshold, Quantity = "pm2_5", Above = 1, Below = 2, Window = "22-6" });

        var result = new AlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:TimeZone is 'Mars/Olympus'", StringComparison.Ordinal) && e.Contains("Europe/Berlin", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:0:Id is 'bin full'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:0:Kind is 'treshold'; use one of threshold, stale, offline, gap", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:1:Clear is 80", StringComparison.Ordinal) && e.Contains("at or below", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:2:Id 'pm' is used by an earlier rule", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:2: give exactly one of Above or Below", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Hub:Alerts:Rules:2:Window is '22-6'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sound_level_laeq", "did you mean 'noise_laeq'?")]
    [InlineData("occupancy_lane_1", "did you mean 'occupancy'?")]
    [InlineData("xyzzy_frobnication", "quantities.json")]
    public void Validate_ThresholdOnAnUncataloguedQuantity_IsRefusedWithTheNearestName(string quantity, string hint)
    {
        var options = new AlertOptions();
        options.Rules.Add(new AlertRuleOptions { Id = "r", Kind = AlertKinds.Threshold, Quantity = quantity, Above = 1 });
        options.Rules.Add(new AlertRuleOptions { Id = "derived", Kind = AlertKinds.Threshold, Quantity = "pm2_5_mean", Above = 1 });

        var errors = new AlertOptionsValidator().Validate(null, options).Failures!.ToList();

        var error = Assert.Single(errors);
        Assert.Contains($"Hub:Alerts:Rules:0:Quantity is '{quantity}', which is not in the quantity catalogue", error, StringComparison.Ordinal);
        Assert.Contains(hint, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleConfig_ShippedRuleSet_BindsAndCompiles()
    {
        string path = RepoPaths.Combine("hub", "CityBrain.Hub.Service", "alerts.example.json");
        var config = new ConfigurationBuilder().AddJsonFile(path).Build();
        var options = new AlertOptions();
        config.GetSection(AlertOptions.Section).Bind(options);

        var rules = AlertRuleCompiler.Compile(options, out var zone, out var errors);

        Assert.Empty(errors);
        Assert.Equal("Europe/Berlin", zone.Id);
        var byId = rules.OfType<ThresholdRule>().ToDictionary(r => r.Id);
        Assert.Equal((90, 80, TimeSpan.FromMinutes(5)), (byId["bin-full"].Level, byId["bin-full"].ClearLevel, byId["bin-full"].For));
        Assert.Equal("22:00-06:00", byId["noise-night"].Window.ToString());
        Assert.Equal(75, byId["pm25-limit"].Level);
        Assert.Equal(70, byId["traffic-congestion"].Level);
        Assert.Equal("water_level", byId["flood-mark"].Quantity);
        Assert.Contains(rules, r => r.Kind == AlertKinds.Stale);
        Assert.Contains(rules, r => r.Kind == AlertKinds.Offline);
        Assert.Contains(rules, r => r.Kind == AlertKinds.Gap);
    }
}
