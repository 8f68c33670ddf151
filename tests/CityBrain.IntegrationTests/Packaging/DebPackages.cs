using System.Diagnostics;
using CityBrain.Testing;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary>
/// The three packages, built once per test run by deploy/package/build-debs.sh (the arm64 cross build is the slow
/// part), or taken from <c>CITYBRAIN_DEBS</c> when scripts/test.sh built them already; each is extracted for the tests.
/// </summary>
public sealed class DebPackages : IAsyncLifetime
{
    public const string Version = "0.1.0";

    private readonly TempDirectory _dir = new("debs");
    private readonly Dictionary<string, DebPackage> _packages = [];

    /// <summary>How long the build took (zero when prebuilt).</summary>
    public TimeSpan BuildTime { get; private set; }

    public DebPackage EdgeArm64 => Get("citybrain-edge", "arm64");

    public DebPackage EdgeAmd64 => Get("citybrain-edge", "amd64");

    public DebPackage HubAmd64 => Get("citybrain-hub", "amd64");

    public IEnumerable<DebPackage> All => [EdgeArm64, EdgeAmd64, HubAmd64];

    public async Task InitializeAsync()
    {
        if (PackagingToolsMissing())
        {
            return; // every test is skipped by [PackagingFact]
        }

        string debs = Environment.GetEnvironmentVariable("CITYBRAIN_DEBS") is { Length: > 0 } prebuilt && Directory.Exists(prebuilt)
            ? prebuilt
            : await BuildAsync();
        foreach (var (name, arch) in new[] { ("citybrain-edge", "arm64"), ("citybrain-edge", "amd64"), ("citybrain-hub", "amd64") })
        {
            string deb = Path.Combine(debs, $"{name}_{Version}_{arch}.deb");
            Assert.True(File.Exists(deb), $"{deb} was not built; {debs} holds: {string.Join(", ", Directory.GetFiles(debs).Select(Path.GetFileName))}");
            string root = _dir.Combine($"{name}_{arch}", "root");
            string control = _dir.Combine($"{name}_{arch}", "DEBIAN");
            Directory.CreateDirectory(_dir.Combine($"{name}_{arch}"));
            await DpkgDebAsync("-x", deb, root);
            await DpkgDebAsync("-e", deb, control);
            var info = await DpkgDebAsync("--info", deb);
            var contents = await DpkgDebAsync("--contents", deb);
            _packages[$"{name}_{arch}"] = new DebPackage(deb, info, contents.Split('\n', StringSplitOptions.RemoveEmptyEntries), root, control);
        }
    }

    private DebPackage Get(string name, string arch) =>
        _packages.TryGetValue($"{name}_{arch}", out var p) ? p : throw new InvalidOperationException($"{name} {arch} was not built");

    private static bool PackagingToolsMissing() => PackagingFactAttribute.Tools.Any(t => !File.Exists(t.Path));

    private async Task<string> BuildAsync()
    {
        string output = _dir.Combine("out");
        var watch = Stopwatch.StartNew();
        var result = await Tool.RunAsync(
            RepoPaths.Combine("deploy", "package", "build-debs.sh"),
            ["--out", output, "--version", Version],
            TimeSpan.FromMinutes(45),
            RepoPaths.Root);
        BuildTime = watch.Elapsed;
        Assert.True(result.ExitCode == 0, "deploy/package/build-debs.sh failed: " + result);
        return output;
    }

    private static async Task<string> DpkgDebAsync(params string[] args)
    {
        var result = await Tool.RunAsync("dpkg-deb", args, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, "dpkg-deb " + string.Join(' ', args) + ": " + result);
        return result.Output;
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
