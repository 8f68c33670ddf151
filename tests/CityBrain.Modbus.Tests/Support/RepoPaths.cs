namespace CityBrain.Modbus.Tests.Support;

/// <summary>Finds repository folders from the test's output directory.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Templates => Path.Combine(Root, "firmware-config", "templates");

    public static string Schemas => Path.Combine(Root, "firmware-config", "schemas");

    public static IEnumerable<string> TemplateFiles() =>
        Directory.EnumerateFiles(Templates, "*.json").Where(f => !f.EndsWith(".vector.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>The shipped template names, for theories over the templates folder.</summary>
    public static TheoryData<string> TemplateNames()
    {
        var data = new TheoryData<string>();
        foreach (string file in TemplateFiles())
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CityBrain.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"CityBrain.sln not found above {AppContext.BaseDirectory}");
    }
}
