using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// The <c>citybrain-edge</c> service's host, as <c>Program.cs</c> builds it: one place, so a test can run the same
/// composition in its own process and inject fake hardware through <see cref="EdgeHostOptions.ConfigureHardware"/>.
/// </summary>
public static class EdgeServiceHost
{
    /// <summary>
    /// A host builder for <c>citybrain-edge [--config PATH] [--trust DIR] [--apply-window SECONDS]</c>
    /// (env <c>CITYBRAIN_EDGE_CONFIG</c> when <c>--config</c> is not given).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        string configPath = EdgeHostOptions.DefaultConfigPath;
        string? trustPath = null;
        double? applyWindow = null;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] is "--config" or "-c")
            {
                configPath = args[i + 1];
            }
            else if (args[i] is "--trust")
            {
                trustPath = args[i + 1];
            }
            else if (args[i] is "--apply-window" && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out double seconds))
            {
                applyWindow = seconds;
            }
        }

        if (Environment.GetEnvironmentVariable("CITYBRAIN_EDGE_CONFIG") is { Length: > 0 } fromEnv && !args.Contains("--config") && !args.Contains("-c"))
        {
            configPath = fromEnv;
        }

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSystemd();
        builder.Services.AddCityBrainEdge(configPath);
        builder.Services.Configure<EdgeHostOptions>(o =>
        {
            o.Apply.TrustPath = trustPath ?? o.Apply.TrustPath;
            o.Apply.HealthWindow = applyWindow is { } w ? TimeSpan.FromSeconds(w) : o.Apply.HealthWindow;
        });
        builder.Logging.AddEdgeConsole();
        return builder;
    }
}
