using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// What a verb prints: lines for people, or with <c>--json</c> exactly one JSON object on stdout
/// (firmware-config/schemas/cli-output.v1.schema.json): <c>{ "v": 1, "command", "ok", "exitCode", "result", "error" }</c>.
/// Progress and prompts go to stderr either way.
/// </summary>
internal sealed class CliOutput(string command, bool json, TextWriter output, TextWriter error)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private string? _error;

    public string Command { get; } = command;

    public bool Json { get; } = json;

    /// <summary>stderr: progress bars and prompts.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>The verb's result object (printed with <c>--json</c>).</summary>
    public JsonObject Result { get; } = [];

    /// <summary>A line for people (not printed with <c>--json</c>).</summary>
    public void Line(string text = "")
    {
        if (!Json)
        {
            output.WriteLine(text);
        }
    }

    /// <summary>Records a failure: one line on stderr (people) or the <c>error</c> field (JSON).</summary>
    public int Fail(int exitCode, string message)
    {
        _error = message.ReplaceLineEndings(" ");
        if (!Json)
        {
            Error.WriteLine($"citybrain{(Command.Length > 0 ? " " + Command : string.Empty)}: {_error}");
        }

        return exitCode;
    }

    public void Complete(int exitCode)
    {
        if (!Json)
        {
            return;
        }

        var document = new JsonObject
        {
            ["v"] = 1,
            ["command"] = Command,
            ["ok"] = exitCode == ExitCodes.Ok,
            ["exitCode"] = exitCode,
            ["result"] = Result,
        };
        if (_error is not null)
        {
            document["error"] = _error;
        }

        output.WriteLine(document.ToJsonString(Indented));
    }
}
