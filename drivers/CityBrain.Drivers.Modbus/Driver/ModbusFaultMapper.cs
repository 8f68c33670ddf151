using CityBrain.Modbus;
using CityBrain.Sensing;
using Polly.CircuitBreaker;

namespace CityBrain.Drivers.Modbus;

/// <summary>Maps the stack's typed errors to the fault reason codes of the MQTT contract.</summary>
public static class ModbusFaultMapper
{
    /// <summary>The reason code and transience of <paramref name="error"/>; null when it is not a Modbus/circuit error.</summary>
    public static (string Code, bool Transient)? Map(Exception error) => error switch
    {
        BrokenCircuitException => (FaultCodes.CircuitOpen, true),
        ModbusTimeoutException => (FaultCodes.Timeout, true),
        ModbusCrcException => (FaultCodes.Crc, true),
        ModbusConnectionException => (FaultCodes.Disconnected, true),
        ModbusProtocolException => (FaultCodes.ProtocolViolation, false),
        ModbusDeviceException { Code: ModbusExceptionCode.ServerDeviceBusy or ModbusExceptionCode.Acknowledge } => (FaultCodes.DeviceBusy, true),
        ModbusDeviceException { Code: ModbusExceptionCode.GatewayTargetDeviceFailedToRespond } => (FaultCodes.Timeout, true),
        ModbusDeviceException device => (FaultCodes.DeviceException, device.IsTransient),
        _ => null,
    };
}
