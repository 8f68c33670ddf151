using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary><c>dpkg-deb --info</c> / <c>--contents</c> of every package: files, modes, owners, dependencies, scripts.</summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PackageContentsTests(DebPackages debs, ITestOutputHelper output)
{
    [PackagingFact]
    public void Edge_Packages_HoldTheBinaryUnitTemplatesAndConfiguration()
    {
        output.WriteLine($"build-debs.sh took {debs.BuildTime.TotalSeconds:0} s (0: prebuilt by scripts/test.sh)");
        foreach (var deb in new[] { debs.EdgeArm64, debs.EdgeAmd64 })
        {
            AssertEntry(deb, "./opt/citybrain/edge/citybrain-edge", "-rwxr-xr-x", "root/root");
            AssertEntry(deb, "./lib/systemd/system/citybrain-edge.service", "-rw-r--r--", "root/root");
            AssertEntry(deb, "./etc/citybrain/", "drwxr-x---", "root/root");
            AssertEntry(deb, "./etc/citybrain/trust/", "drwxr-x---", "root/root");
            AssertEntry(deb, "./etc/citybrain/node.json", "-rw-r-----", "root/root");
            AssertEntry(deb, "./lib/udev/rules.d/60-citybrain-edge.rules", "-rw-r--r--", "root/root");
            AssertEntry(deb, "./opt/citybrain/edge/templates/", "drwxr-xr-x", "root/root");
            AssertEntry(deb, "./opt/citybrain/edge/libSystem.IO.Ports.Native.so", "-rw-r--r--", "root/root"); // serial ports (Modbus RTU)
            Assert.Contains(" ./usr/bin/citybrain-edge -> /opt/citybrain/edge/citybrain-edge", deb.Entry("./usr/bin/citybrain-edge"), StringComparison.Ordinal);

            // Device templates ship beside the binary (NodeComponents.TemplatesDirectoryFor looks there).
            var templates = Directory.GetFiles(deb.File("opt", "citybrain", "edge", "templates"), "*.json").Select(Path.GetFileName).ToList();
            var expected = Directory.GetFiles(CityBrain.Testing.RepoPaths.Combine("firmware-config", "templates"), "*.json")
                .Select(Path.GetFileName).Where(f => !f!.EndsWith(".vector.json", StringComparison.Ordinal)).ToList();
            Assert.Equal(expected.Order(), templates.Order());

            Assert.Equal("/etc/citybrain/node.json", File.ReadAllText(Path.Combine(deb.Control, "conffiles")).Trim());
            Assert.Equal(File.ReadAllText(CityBrain.Testing.RepoPaths.Combine("deploy", "edge", "node.example.json")), File.ReadAllText(deb.File("etc", "citybrain", "node.json")));
        }
    }

    [PackagingFact]
    public void Packages_DeclareNameVersionArchitectureMaintainerAndDependencies()
    {
        foreach (var (deb, name, arch, machine) in new[]
        {
            (debs.EdgeArm64, "citybrain-edge", "arm64", ElfMachineAarch64),
            (debs.EdgeAmd64, "citybrain-edge", "amd64", ElfMachineX8664),
            (debs.HubAmd64, "citybrain-hub", "amd64", ElfMachineX8664),
        })
        {
            Assert.Equal(name, deb.Field("Package"));
            Assert.Equal(DebPackages.Version, deb.Field("Version"));
            Assert.Equal(arch, deb.Field("Architecture"));
            Assert.Contains("<", deb.Field("Maintainer"), StringComparison.Ordinal);
            string depends = deb.Field("Depends");
            Assert.Matches(@"libc6 \(>= 2\.\d+\)", depends);
            Assert.Contains("libssl3", depends, StringComparison.Ordinal);
            Assert.Contains("systemd", depends, StringComparison.Ordinal);

            // The executable is a native binary for the package's architecture (NativeAOT: no .NET runtime on the node).
            string exe = deb.File("opt", "citybrain", name["citybrain-".Length..], name);
            Assert.Equal(machine, ElfMachine(exe));
            foreach (string library in Directory.GetFiles(Path.GetDirectoryName(exe)!, "*.so"))
            {
                Assert.Equal(machine, ElfMachine(library));
            }
            Assert.DoesNotContain(deb.Contents, l => l.EndsWith(".dll", StringComparison.Ordinal) || l.EndsWith(".dbg", StringComparison.Ordinal));

            foreach (string script in new[] { "postinst", "prerm", "postrm" })
            {
                string path = Path.Combine(deb.Control, script);
                Assert.True(File.Exists(path), $"{name} {arch}: no {script}");
                Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
            }
        }
    }

    [PackagingFact]
    public async Task MaintainerScripts_AreValidShell_AndSetUpUserGroupsAndOwnership()
    {
        foreach (var deb in debs.All)
        {
            foreach (string script in new[] { "postinst", "prerm", "postrm" })
            {
                var syntax = await Tool.RunAsync("/bin/sh", ["-n", Path.Combine(deb.Control, script)], TimeSpan.FromSeconds(30));
                Assert.True(syntax.ExitCode == 0, $"{deb.Path} {script}: {syntax}");
            }
        }

        string edge = File.ReadAllText(Path.Combine(debs.EdgeArm64.Control, "postinst"));
        Assert.Contains("usermod --append --groups dialout,gpio,i2c citybrain", edge, StringComparison.Ordinal);
        Assert.Contains("for g in dialout gpio i2c; do", edge, StringComparison.Ordinal);
        Assert.Contains("override root citybrain 0640 /etc/citybrain/node.json", edge, StringComparison.Ordinal);
        Assert.Contains("override root citybrain 0750 /etc/citybrain/trust", edge, StringComparison.Ordinal);
        Assert.Contains("install -d -o citybrain -g citybrain -m 0750 /var/lib/citybrain", edge, StringComparison.Ordinal);

        string hub = File.ReadAllText(Path.Combine(debs.HubAmd64.Control, "postinst"));
        Assert.DoesNotContain("usermod", hub, StringComparison.Ordinal); // the hub needs no device groups
        Assert.Contains("override root citybrain 0640 /etc/citybrain/hub.json", hub, StringComparison.Ordinal);
        Assert.Equal("/etc/citybrain/hub.json", File.ReadAllText(Path.Combine(debs.HubAmd64.Control, "conffiles")).Trim());
        AssertEntry(debs.HubAmd64, "./opt/citybrain/hub/citybrain-hub", "-rwxr-xr-x", "root/root");
        AssertEntry(debs.HubAmd64, "./etc/citybrain/hub.json", "-rw-r-----", "root/root");
        AssertEntry(debs.HubAmd64, "./lib/systemd/system/citybrain-hub.service", "-rw-r--r--", "root/root");

        // The grid registry example ships as documentation (docs/grid-registry.md, "Installed by the package").
        AssertEntry(debs.HubAmd64, "./usr/share/doc/citybrain-hub/grids.example.json", "-rw-r--r--", "root/root");
        Assert.Equal(
            File.ReadAllText(CityBrain.Testing.RepoPaths.Combine("deploy", "grids.example.json")),
            File.ReadAllText(debs.HubAmd64.File("usr", "share", "doc", "citybrain-hub", "grids.example.json")));
    }

    private const int ElfMachineAarch64 = 0xB7;
    private const int ElfMachineX8664 = 0x3E;

    private static int ElfMachine(string path)
    {
        var header = new byte[20];
        using (var f = File.OpenRead(path))
        {
            f.ReadExactly(header);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
        return header[18] | (header[19] << 8);
    }

    private static void AssertEntry(DebPackage deb, string path, string mode, string owner)
    {
        var fields = deb.Entry(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(mode == fields[0] && owner == fields[1], $"{Path.GetFileName(deb.Path)} {path}: expected {mode} {owner}, got {fields[0]} {fields[1]}");
    }
}
