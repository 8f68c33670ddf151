namespace CityBrain.Drivers.Modbus;

/// <summary>A device template failed validation; <see cref="Errors"/> lists every problem found.</summary>
public sealed class TemplateValidationException : Exception
{
    public TemplateValidationException()
        : this([])
    {
    }

    public TemplateValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public TemplateValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public TemplateValidationException(IReadOnlyList<TemplateError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<TemplateError> Errors { get; }

    private static string Format(IReadOnlyList<TemplateError> errors) =>
        errors.Count == 0 ? "Invalid device template." : $"Invalid device template ({errors.Count} problem(s)):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
