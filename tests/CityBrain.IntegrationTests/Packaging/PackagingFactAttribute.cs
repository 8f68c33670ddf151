namespace CityBrain.IntegrationTests.Packaging;

/// <summary>
/// A packaging test: skipped, with the Debian package to install, only when a tool it needs is genuinely missing
/// (scripts/install-deps.sh installs them all, so in CI these tests run).
/// </summary>
public sealed class PackagingFactAttribute : FactAttribute
{
    /// <summary>Tool → Debian package.</summary>
    public static IReadOnlyList<(string Path, string Package)> Tools { get; } =
    [
        ("/usr/bin/dpkg-deb", "dpkg"),
        ("/usr/bin/readelf", "binutils"),
        ("/usr/bin/clang", "clang"),
        ("/usr/bin/ld.lld", "lld"),
        ("/usr/bin/aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
        ("/usr/aarch64-linux-gnu/lib/libc.so.6", "libc6-dev-arm64-cross"),
        ("/usr/bin/qemu-aarch64-static", "qemu-user-static"),
        ("/usr/bin/systemd-analyze", "systemd"),
        ("/usr/bin/unshare", "util-linux"), // MaintainerScriptTests: dpkg -i in an overlay copy of the machine
        ("/usr/sbin/mosquitto", "mosquitto"),
    ];

    public PackagingFactAttribute()
    {
        var missing = Tools.Where(t => !File.Exists(t.Path)).ToList();
        if (missing.Count > 0)
        {
            Skip = "packaging tools missing: " + string.Join(", ", missing.Select(t => t.Path))
                + $"; install with: apt-get install -y {string.Join(' ', missing.Select(t => t.Package).Distinct())} (scripts/install-deps.sh)";
        }
    }
}
