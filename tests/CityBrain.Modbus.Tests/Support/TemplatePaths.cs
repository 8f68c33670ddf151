namespace CityBrain.Modbus.Tests.Support;

/// <summary>The shipped device templates and schemas (the repository root from CityBrain.Testing's <see cref="CityBrain.Testing.RepoPaths"/>).</summary>
internal static class TemplatePaths
{
    public static string Templates => CityBrain.Testing.RepoPaths.Combine("firmware-config", "templates");

    public static string Schemas => CityBrain.Testing.RepoPaths.Combine("firmware-config", "schemas");

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
}
