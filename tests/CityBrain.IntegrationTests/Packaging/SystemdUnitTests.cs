namespace CityBrain.IntegrationTests.Packaging;

/// <summary><c>systemd-analyze verify</c> on the packaged units, inside the extracted package (so ExecStart exists).</summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public class SystemdUnitTests(DebPackages debs)
{
    [PackagingFact]
    public async Task Units_VerifyCleanly_WithWatchdogAndNoRestartOnBadConfiguration()
    {
        foreach (var (deb, unit) in new[]
        {
            (debs.EdgeArm64, "citybrain-edge.service"),
            (debs.EdgeAmd64, "citybrain-edge.service"),
            (debs.HubAmd64, "citybrain-hub.service"),
        })
        {
            // The host's units (sysinit.target, network-online.target...) beside the package's own.
            string units = deb.File("lib", "systemd", "system");
            foreach (string file in Directory.GetFiles("/lib/systemd/system"))
            {
                string target = Path.Combine(units, Path.GetFileName(file));
                if (!File.Exists(target))
                {
                    File.Copy(file, target);
                }
            }

            var verify = await Tool.RunAsync("systemd-analyze", ["verify", "--root=" + deb.Root, unit], TimeSpan.FromMinutes(1));
            Assert.True(verify.ExitCode == 0 && verify.Errors.Trim().Length == 0, $"systemd-analyze verify {unit} ({Path.GetFileName(deb.Path)}): {verify}");

            string text = File.ReadAllText(Path.Combine(units, unit));
            Assert.Contains("\nType=notify\n", text, StringComparison.Ordinal);
            Assert.Contains("\nRestartPreventExitStatus=78\n", text, StringComparison.Ordinal);
            Assert.Contains("\nRestart=always\n", text, StringComparison.Ordinal);
        }

        string edge = File.ReadAllText(debs.EdgeAmd64.File("lib", "systemd", "system", "citybrain-edge.service"));
        Assert.Contains("\nWatchdogSec=30\n", edge, StringComparison.Ordinal);
        Assert.Contains("\nSupplementaryGroups=dialout gpio i2c\n", edge, StringComparison.Ordinal);
        Assert.Contains("\nUser=citybrain\n", edge, StringComparison.Ordinal);

        // The hub pings while its ingest moves (Ingest/IngestLiveness): a hung hub is restarted.
        string hub = File.ReadAllText(debs.HubAmd64.File("lib", "systemd", "system", "citybrain-hub.service"));
        Assert.Contains("\nWatchdogSec=60\n", hub, StringComparison.Ordinal);
    }
}
