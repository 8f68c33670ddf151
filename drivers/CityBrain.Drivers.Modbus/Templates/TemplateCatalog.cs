namespace CityBrain.Drivers.Modbus;

/// <summary>The templates of a folder (firmware-config/templates), loaded and validated together.</summary>
public sealed class TemplateCatalog
{
    private readonly Dictionary<string, DeviceTemplate> _templates;

    public TemplateCatalog(IEnumerable<DeviceTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        _templates = new Dictionary<string, DeviceTemplate>(StringComparer.Ordinal);
        foreach (var template in templates)
        {
            _templates[template.Name] = template;
        }
    }

    public IReadOnlyCollection<string> Names => _templates.Keys;

    /// <summary>Loads every <c>*.json</c> template (not <c>*.vector.json</c>); all problems are reported together.</summary>
    public static async Task<TemplateCatalog> LoadDirectoryAsync(string folder, CancellationToken cancellationToken)
    {
        var templates = new List<DeviceTemplate>();
        var errors = new List<TemplateError>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".vector.json", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                templates.Add(await TemplateLoader.LoadFileAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (TemplateValidationException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        return errors.Count > 0 ? throw new TemplateValidationException(errors) : new TemplateCatalog(templates);
    }

    /// <summary>The template called <paramref name="name"/>; the error lists the known names.</summary>
    public DeviceTemplate Get(string name, string field = "template") =>
        _templates.TryGetValue(name, out var template)
            ? template
            : throw ModbusConfigurationException.Field(field, name, "no such device template", $"use one of: {string.Join(", ", _templates.Keys.Order(StringComparer.Ordinal))}");
}
