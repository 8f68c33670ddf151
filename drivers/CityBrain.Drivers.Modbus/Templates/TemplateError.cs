namespace CityBrain.Drivers.Modbus;

/// <summary>One template problem: which file, which field (JSON path), which value, what is wrong and how to fix it.</summary>
public sealed record TemplateError(string File, string Path, string? Value, string Problem, string Fix)
{
    public override string ToString() => $"{File}: {Path} = {Value ?? "(missing)"}: {Problem}; fix: {Fix}";
}
