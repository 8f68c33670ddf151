using CityBrain.Testing;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary>
/// The packages' maintainer scripts under a real <c>dpkg -i</c>, a second <c>dpkg -i</c> (the upgrade path) and
/// <c>dpkg --purge</c>, in a throwaway overlay copy of this machine (deploy/package/try-install.sh: unshare --mount,
/// overlayfs over /, chroot), so the citybrain user, its groups and the ownership overrides are really created, and
/// the machine is left as it was.
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public class MaintainerScriptTests(DebPackages debs)
{
    private const string Modes = "stat -c '%U:%G %a %n' /etc/citybrain /etc/citybrain/trust ";

    [PackagingFact]
    public async Task Edge_Postinst_CreatesTheUserWithItsDeviceGroups_AndTheConfigurationModes_AndPurgeUndoesThem()
    {
        string output = await TryInstallAsync(
            debs.EdgeAmd64.Path,
            "id -nG citybrain; " + Modes + "/etc/citybrain/node.json /var/lib/citybrain; dpkg-statoverride --list '/etc/citybrain*'",
            "test ! -e /var/lib/citybrain && echo 'state removed'; dpkg-statoverride --list '/etc/citybrain*' || echo 'no overrides'");

        foreach (string check in Checks(output))
        {
            Assert.Contains("citybrain dialout gpio i2c", check, StringComparison.Ordinal);
            Assert.Contains("root:citybrain 750 /etc/citybrain\n", check, StringComparison.Ordinal);
            Assert.Contains("root:citybrain 750 /etc/citybrain/trust\n", check, StringComparison.Ordinal);
            Assert.Contains("root:citybrain 640 /etc/citybrain/node.json\n", check, StringComparison.Ordinal);
            Assert.Contains("citybrain:citybrain 750 /var/lib/citybrain\n", check, StringComparison.Ordinal);
            Assert.Contains("root citybrain 640 /etc/citybrain/node.json", check, StringComparison.Ordinal);
        }

        string purged = After(output, "== purged");
        Assert.Contains("state removed", purged, StringComparison.Ordinal);
        Assert.Contains("no overrides", purged, StringComparison.Ordinal);
    }

    [PackagingFact]
    public async Task Hub_Postinst_CreatesTheUserWithoutDeviceGroups_AndTheConfigurationModes()
    {
        string output = await TryInstallAsync(
            debs.HubAmd64.Path,
            "id -nG citybrain; " + Modes + "/etc/citybrain/hub.json /var/lib/citybrain-hub",
            "true");

        foreach (string check in Checks(output))
        {
            Assert.Equal("citybrain", check.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim());
            Assert.Contains("root:citybrain 640 /etc/citybrain/hub.json\n", check, StringComparison.Ordinal);
            Assert.Contains("citybrain:citybrain 750 /var/lib/citybrain-hub\n", check, StringComparison.Ordinal);
        }
    }

    private static async Task<string> TryInstallAsync(string deb, string check, string purged)
    {
        Assert.True(await Tool.RunAsync("getent", ["passwd", "citybrain"], TimeSpan.FromSeconds(10)) is { ExitCode: not 0 }, "this machine already has a citybrain user: the test would prove nothing");
        var run = await Tool.RunAsync(RepoPaths.Combine("deploy", "package", "try-install.sh"), [deb, check, purged], TimeSpan.FromMinutes(5));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(await Tool.RunAsync("getent", ["passwd", "citybrain"], TimeSpan.FromSeconds(10)) is { ExitCode: not 0 }, "the install leaked onto this machine");
        return run.Output;
    }

    /// <summary>The output of each check (after the install, and after the second install).</summary>
    private static string[] Checks(string output)
    {
        var checks = output.Split("== check\n")[1..].Select(c => c.Split("\n== ")[0] + "\n").ToArray();
        Assert.Equal(2, checks.Length);
        return checks;
    }

    private static string After(string output, string marker) => output[(output.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
}
