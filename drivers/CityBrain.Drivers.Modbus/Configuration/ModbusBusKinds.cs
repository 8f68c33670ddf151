using System.Globalization;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Drivers.Modbus;

/// <summary>The <c>modbus-tcp</c> bus kind.</summary>
public sealed class ModbusTcpBusKind() : BusKindDefinition<ModbusTcpBusFields>(
    "modbus-tcp",
    "one Modbus TCP connection to a device or gateway",
    """
    {
      "required": ["host"],
      "properties": {
        "host": { "type": "string", "minLength": 1, "description": "the device's or gateway's host name or address" },
        "port": { "type": "integer", "minimum": 1, "maximum": 65535, "description": "TCP port (default 502)" },
        "timeoutMs": { "type": "integer", "minimum": 10, "maximum": 60000, "description": "request timeout (default 1000)" },
        "turnaroundMs": { "type": "integer", "minimum": 0, "maximum": 10000, "description": "rest after each transaction (default 0 on TCP)" },
        "connectTimeoutMs": { "type": "integer", "minimum": 10, "maximum": 60000 }
      }
    }
    """,
    ModbusConfigJsonContext.Default.ModbusTcpBusFields);

/// <summary>The <c>modbus-rtu</c> bus kind (an RS-485 line).</summary>
public sealed class ModbusRtuBusKind() : BusKindDefinition<ModbusRtuBusFields>(
    "modbus-rtu",
    "one RS-485 line, Modbus RTU framing",
    """
    {
      "required": ["port"],
      "properties": {
        "port": { "type": "string", "minLength": 1, "description": "serial device path such as /dev/ttyUSB0" },
        "baud": { "type": "integer", "enum": [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] },
        "parity": { "enum": ["none", "even", "odd"] },
        "stopBits": { "enum": [1, 2] },
        "timeoutMs": { "type": "integer", "minimum": 10, "maximum": 60000, "description": "request timeout (default 1000)" },
        "turnaroundMs": { "type": "integer", "minimum": 0, "maximum": 10000, "description": "rest after each transaction (default 10 on RS-485)" },
        "connectTimeoutMs": { "type": "integer", "minimum": 10, "maximum": 60000 }
      }
    }
    """,
    ModbusConfigJsonContext.Default.ModbusRtuBusFields)
{
    protected override ModbusRtuBusFields Check(ModbusRtuBusFields options, BusSpec spec, DriverConfigContext context)
    {
        if (options.Parity == "none" && options.StopBits == 1)
        {
            context.Warn(spec.Path, string.Create(CultureInfo.InvariantCulture, $"parity none with 1 stop bit is outside the Modbus RTU specification (8N2); many devices accept it anyway"));
        }

        return options;
    }
}
