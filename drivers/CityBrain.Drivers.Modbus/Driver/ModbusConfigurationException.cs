namespace CityBrain.Drivers.Modbus;

/// <summary>A bus or device option is invalid; the message names the field, the value and the fix.</summary>
public sealed class ModbusConfigurationException : Exception
{
    public ModbusConfigurationException()
    {
    }

    public ModbusConfigurationException(string message)
        : base(message)
    {
    }

    public ModbusConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static ModbusConfigurationException Field(string field, object? value, string problem, string fix) =>
        new($"{field} = {value ?? "(missing)"}: {problem}; fix: {fix}");
}
