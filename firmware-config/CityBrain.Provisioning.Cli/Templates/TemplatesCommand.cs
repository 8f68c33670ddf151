using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityBrain.Drivers.Modbus;

namespace CityBrain.Provisioning.Cli;

/// <summary><c>citybrain templates list|show NAME</c>: the device templates with their points, units and quantities.</summary>
internal static class TemplatesCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the device templates.") { ValidateCommand.TemplatesDir };
        Verb.SetAction(list, "templates list", async (parse, output, cancellationToken) =>
        {
            var catalog = await LoadAsync(parse.GetValue(ValidateCommand.TemplatesDir), output, cancellationToken).ConfigureAwait(false);
            var items = new JsonArray();
            foreach (string name in catalog.Names.Order(StringComparer.Ordinal))
            {
                var t = catalog.Get(name);
                items.Add((JsonNode)new JsonObject { ["name"] = t.Name, ["vendor"] = t.Vendor, ["model"] = t.Model, ["defaultUnit"] = t.DefaultUnitId, ["points"] = t.Points.Count, ["description"] = t.Description });
                output.Line($"{t.Name,-30} {t.Vendor} {t.Model}, unit {t.DefaultUnitId}, {t.Points.Count} points — {t.Description}");
            }

            output.Result["templates"] = items;
            return ExitCodes.Ok;
        });

        var name = new Argument<string>("name") { Description = "Template name (templates list)." };
        var show = new Command("show", "Show a template's points: register, type, word order, scale, unit and the quantity each maps to.") { name, ValidateCommand.TemplatesDir };
        Verb.SetAction(show, "templates show", async (parse, output, cancellationToken) =>
        {
            var catalog = await LoadAsync(parse.GetValue(ValidateCommand.TemplatesDir), output, cancellationToken).ConfigureAwait(false);
            string wanted = parse.GetValue(name)!;
            if (!catalog.Names.Contains(wanted))
            {
                throw new CliException(ExitCodes.Invalid, $"no template '{wanted}'; use one of: {string.Join(", ", catalog.Names.Order(StringComparer.Ordinal))} (citybrain templates list)");
            }

            var t = catalog.Get(wanted);
            output.Result["name"] = t.Name;
            output.Result["vendor"] = t.Vendor;
            output.Result["model"] = t.Model;
            output.Result["defaultUnit"] = t.DefaultUnitId;
            output.Result["description"] = t.Description;
            output.Line($"{t.Name}: {t.Vendor} {t.Model}, default unit {t.DefaultUnitId}");
            output.Line(t.Description);
            output.Line();
            output.Line($"{"quantity",-22} {"table",-9} {"address",7} {"type",-8} {"order",-5} {"scale",8}  unit");
            var points = new JsonArray();
            foreach (var p in t.Points)
            {
                string scale = p.Scale.ToString("G6", CultureInfo.InvariantCulture);
                output.Line($"{p.Name,-22} {p.Table.ToString().ToLowerInvariant(),-9} {p.Address,7} {p.Type.ToString().ToLowerInvariant(),-8} {p.Order,-5} {scale,8}  {p.Unit}");
                points.Add((JsonNode)new JsonObject
                {
                    ["quantity"] = p.Name,
                    ["table"] = p.Table.ToString().ToLowerInvariant(),
                    ["address"] = p.Address,
                    ["type"] = p.Type.ToString().ToLowerInvariant(),
                    ["wordOrder"] = p.Order.ToString(),
                    ["scale"] = p.Scale,
                    ["offset"] = p.Offset,
                    ["unit"] = p.Unit,
                    ["description"] = p.Description,
                });
            }

            output.Result["points"] = points;
            return ExitCodes.Ok;
        });

        return new Command("templates", "Device templates (register maps) a sensor can use.") { list, show };
    }

    public static async Task<TemplateCatalog> LoadAsync(string? flag, CliOutput output, CancellationToken cancellationToken)
    {
        string folder = Drivers.TemplatesDirectory(flag);
        output.Result["folder"] = folder;
        if (!Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.Unreadable, $"no templates folder at {folder}; pass --templates-dir or set CITYBRAIN_TEMPLATES");
        }

        try
        {
            return await TemplateCatalog.LoadDirectoryAsync(folder, cancellationToken).ConfigureAwait(false);
        }
        catch (TemplateValidationException ex)
        {
            throw new CliException(ExitCodes.Invalid, $"the templates in {folder} do not load: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }
}
