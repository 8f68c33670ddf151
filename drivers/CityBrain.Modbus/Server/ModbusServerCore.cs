using System.Runtime.CompilerServices;

namespace CityBrain.Modbus;

/// <summary>
/// The transport-independent part of a server transaction: resolve the unit, ask the fault injector, process the
/// request. Returns the response PDU length (0 = send nothing) and the fault to apply while framing.
/// </summary>
internal static class ModbusServerCore
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<(int Length, ModbusFaultKind Fault)> HandleAsync(
        ModbusServerOptions options, ModbusServerCounters counters, byte unit, ReadOnlyMemory<byte> request, Memory<byte> response, bool unknownUnitIsGatewayError, CancellationToken cancellationToken)
    {
        counters.Request();
        var store = options.ResolveUnit(unit);
        if (store is null)
        {
            return unknownUnitIsGatewayError
                ? (ModbusRequestProcessor.WriteException(response.Span, request.Span[0], ModbusExceptionCode.GatewayTargetDeviceFailedToRespond), ModbusFaultKind.None)
                : (0, ModbusFaultKind.Drop);
        }

        var action = options.Faults?.Decide(unit, request.Span) ?? ModbusFaultAction.None;
        if (action.Kind != ModbusFaultKind.None)
        {
            counters.Fault();
        }

        switch (action.Kind)
        {
            case ModbusFaultKind.Drop:
                return (0, ModbusFaultKind.Drop);
            case ModbusFaultKind.Exception:
                return (ModbusRequestProcessor.WriteException(response.Span, request.Span[0], action.Code), ModbusFaultKind.None);
            case ModbusFaultKind.Delay:
                await Task.Delay(action.Delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                break;
        }

        return (ModbusRequestProcessor.Process(store, request.Span, response.Span), action.Kind);
    }
}
