using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>The page, its script and style, embedded in the assembly (no build step, no CDN).</summary>
public static class StaticAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = Load();

    public static IResult Serve(string name) =>
        Files.TryGetValue(name, out var file)
            ? Results.Bytes(file.Content, file.Type)
            : Results.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("index.html", "text/html; charset=utf-8"), ("operator-view.js", "text/javascript; charset=utf-8"), ("operator-view.css", "text/css; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream("OperatorView." + name)
                ?? throw new InvalidOperationException($"Embedded resource OperatorView.{name} is missing from {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (copy.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
