namespace CityBrain.IntegrationTests.Packaging;

/// <summary>One built .deb: what <c>dpkg-deb --info</c> and <c>--contents</c> say, and its files extracted.</summary>
public sealed record DebPackage(string Path, string Info, IReadOnlyList<string> Contents, string Root, string Control)
{
    /// <summary>The <c>--contents</c> line of <paramref name="path"/> (e.g. <c>./etc/citybrain/node.json</c>).</summary>
    public string Entry(string path) =>
        Contents.SingleOrDefault(l => l.EndsWith(" " + path, StringComparison.Ordinal) || l.Contains(" " + path + " -> ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"{System.IO.Path.GetFileName(Path)} has no {path}; it holds:\n{string.Join('\n', Contents)}");

    /// <summary>The value of a control field (<c>Depends</c>, <c>Version</c>...).</summary>
    public string Field(string name) =>
        Info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim()
        ?? throw new Xunit.Sdk.XunitException($"{System.IO.Path.GetFileName(Path)}: no {name} field in\n{Info}");

    public string File(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
