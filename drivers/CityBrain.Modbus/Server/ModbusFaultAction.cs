namespace CityBrain.Modbus;

/// <summary>A fault injector's decision for one request.</summary>
public readonly record struct ModbusFaultAction(ModbusFaultKind Kind, ModbusExceptionCode Code = ModbusExceptionCode.None, TimeSpan Delay = default)
{
    public static ModbusFaultAction None => default;
}
