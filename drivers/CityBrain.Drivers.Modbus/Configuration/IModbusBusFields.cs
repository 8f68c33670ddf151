namespace CityBrain.Drivers.Modbus;

/// <summary>What the Modbus driver needs of either Modbus bus kind.</summary>
public interface IModbusBusFields
{
    /// <summary>The bus's request timeout in milliseconds.</summary>
    int TimeoutMs { get; }

    /// <summary>The bus's options for <see cref="ModbusBus.Create"/>.</summary>
    ModbusBusOptions ToBusOptions(string id);
}
