namespace CityBrain.Modbus;

/// <summary>
/// The device answered with an exception response (MB-APP §7). Transient for 05 Acknowledge, 06 Busy and
/// 0B Gateway Target Failed To Respond (a gateway's timeout); permanent otherwise (illegal function/address/value,
/// device failure, gateway path unavailable).
/// </summary>
public sealed class ModbusDeviceException : ModbusException
{
    public ModbusDeviceException()
    {
    }

    public ModbusDeviceException(string message)
        : base(message)
    {
    }

    public ModbusDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModbusDeviceException(ModbusFunction function, ModbusExceptionCode code)
        : base(Describe(function, code))
    {
        Function = function;
        Code = code;
    }

    public ModbusFunction Function { get; }

    public ModbusExceptionCode Code { get; }

    public override bool IsTransient => IsTransientCode(Code);

    public static bool IsTransientCode(ModbusExceptionCode code) => code is ModbusExceptionCode.Acknowledge
        or ModbusExceptionCode.ServerDeviceBusy
        or ModbusExceptionCode.GatewayTargetDeviceFailedToRespond;

    public static string Describe(ModbusFunction function, ModbusExceptionCode code)
    {
        string meaning = code switch
        {
            ModbusExceptionCode.IllegalFunction => "illegal function: the device does not support this function code",
            ModbusExceptionCode.IllegalDataAddress => "illegal data address: the range is not in the device's map (check 0-based addressing)",
            ModbusExceptionCode.IllegalDataValue => "illegal data value: bad quantity or value in the request",
            ModbusExceptionCode.ServerDeviceFailure => "server device failure",
            ModbusExceptionCode.Acknowledge => "acknowledge: long operation accepted, poll later",
            ModbusExceptionCode.ServerDeviceBusy => "server device busy, retry later",
            ModbusExceptionCode.NegativeAcknowledge => "negative acknowledge (legacy code 07)",
            ModbusExceptionCode.MemoryParityError => "memory parity error",
            ModbusExceptionCode.GatewayPathUnavailable => "gateway path unavailable: gateway misconfigured or overloaded",
            ModbusExceptionCode.GatewayTargetDeviceFailedToRespond => "gateway target device failed to respond",
            _ => "undefined exception code",
        };
        return $"Device exception {(byte)code:X2} to function {(byte)function:X2}: {meaning}";
    }
}
