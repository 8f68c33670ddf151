using System.Runtime.CompilerServices;
using CityBrain.Modbus;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// A register-map-driven Modbus sensor: reads the template points the node configuration selected, in the planner's
/// merged requests, through the device's Polly pipeline (<see cref="DevicePipelineFactory"/>), and reports one <see cref="Reading"/> per point.
/// <para>Quality: a value outside the point's valid range (the sensor's physical range) is published with
/// <see cref="Quality.Bad"/>; a non-finite value (e.g. a float NaN "not available" sentinel) becomes a
/// <c>not_available</c> fault. A failed request becomes one fault per point it covered, with the reason code of
/// the error (timeout, crc, device_exception, device_busy, disconnected, protocol_violation, circuit_open); no old
/// value is ever republished.</para>
/// </summary>
public sealed partial class ModbusDeviceDriver : ISensorDriver
{
    private readonly ModbusBus _bus;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly PlannedRequest[] _plan;
    private readonly TemplatePoint[][] _planPoints;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ushort[] _buffer;

    public ModbusDeviceDriver(ModbusDeviceOptions options, DeviceTemplate template, ModbusBus bus, ModbusResilienceOptions? resilience = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(bus);
        if (options.BusId != bus.Id)
        {
            throw ModbusConfigurationException.Field($"sensors[{options.SensorId}].bus", options.BusId, $"the driver was given bus '{bus.Id}'", "pass the bus the sensor names");
        }

        _bus = bus;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        SensorId = options.SensorId;
        Template = template;
        Unit = ResolveUnit(options, template);
        Points = SelectPoints(options, template);
        Plan = RequestPlanner.Plan(Points, template.Quirks, options.Planner);
        int largest = 1;
        foreach (var request in Plan)
        {
            largest = Math.Max(largest, request.Count);
        }

        _buffer = new ushort[largest];
        var quantities = new List<QuantityInfo>(Points.Count);
        foreach (var point in Points)
        {
            quantities.Add(new QuantityInfo(point.Quantity, point.Unit));
        }

        Quantities = quantities;
        if (template.Quirks.Turnaround > TimeSpan.Zero)
        {
            bus.Client.SetUnitTurnaround(Unit, template.Quirks.Turnaround);
        }

        _plan = [.. Plan];
        _planPoints = Array.ConvertAll(_plan, static r => r.Points.ToArray());
        _pipeline = DevicePipelineFactory.Create(resilience ?? ModbusResilienceOptions.Default, options.PollInterval, bus.Client.Options.RequestTimeout, _timeProvider, _breaker, (opened, breakFor) =>
        {
            if (opened)
            {
                LogCircuitOpened(_logger, SensorId, breakFor.TotalSeconds);
            }
            else
            {
                LogCircuitClosed(_logger, SensorId);
            }
        });
    }

    public string SensorId { get; }

    public IReadOnlyList<QuantityInfo> Quantities { get; }

    public DeviceTemplate Template { get; }

    public byte Unit { get; }

    /// <summary>The points this sensor reads.</summary>
    public IReadOnlyList<TemplatePoint> Points { get; }

    /// <summary>The merged read requests one poll sends.</summary>
    public IReadOnlyList<PlannedRequest> Plan { get; }

    /// <summary>The device's circuit breaker state (open = the device is not being asked, bar one probe per break).</summary>
    public CircuitState BreakerState => _breaker.CircuitState;

    public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collector);
        for (int i = 0; i < _plan.Length; i++)
        {
            var request = _plan[i];
            var block = _buffer.AsMemory(0, request.Count);
            long started = _timeProvider.GetTimestamp();
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            Outcome<bool> outcome;
            try
            {
                outcome = await _pipeline.ExecuteOutcomeAsync(
                    static (context, state) => ReadOnceAsync(state.Client, state.Unit, state.Request, state.Block, context.CancellationToken),
                    context,
                    (_bus.Client, Unit, Request: request, Block: block)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }

            if (outcome.Exception is BrokenCircuitException open)
            {
                ModbusDriverMetrics.Record(_bus.Id, SensorId, TimeSpan.Zero, FaultCodes.CircuitOpen);
                ReportFailure(collector, i, FaultCodes.CircuitOpen, true, $"circuit open: the device stopped answering; next probe in {open.RetryAfter.GetValueOrDefault().TotalSeconds:0.#} s");
                continue;
            }

            if (outcome.Exception is { } error)
            {
                // Modbus errors become faults; cancellation and anything else propagate.
                if (ModbusFaultMapper.Map(error) is not { } fault)
                {
                    outcome.ThrowIfException();
                    return;
                }

                ModbusDriverMetrics.Record(_bus.Id, SensorId, _timeProvider.GetElapsedTime(started), fault.Code);
                ReportFailure(collector, i, fault.Code, fault.Transient, error.Message);
                continue;
            }

            ModbusDriverMetrics.Record(_bus.Id, SensorId, _timeProvider.GetElapsedTime(started), null);
            Decode(collector, i, block.Span);
        }
    }

    /// <summary>One attempt of one planned request; a Modbus error is returned as the outcome rather than rethrown.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Outcome<bool>> ReadOnceAsync(ModbusClient client, byte unit, PlannedRequest request, Memory<ushort> block, CancellationToken cancellationToken)
    {
        try
        {
            await client.ReadAsync(unit, request.Table, request.Start, block, cancellationToken).ConfigureAwait(false);
            return Outcome.FromResult(true);
        }
        catch (ModbusException ex)
        {
            return Outcome.FromException<bool>(ex);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static byte ResolveUnit(ModbusDeviceOptions options, DeviceTemplate template)
    {
        byte unit = options.UnitId ?? template.DefaultUnitId;
        if (template.Quirks.RequiresUnitId255 && unit != 255)
        {
            throw ModbusConfigurationException.Field($"sensors[{options.SensorId}].unit", unit, $"template '{template.Name}' answers only unit id 255", "set \"unit\": 255 or omit it");
        }

        if (unit == ModbusLimits.BroadcastUnit)
        {
            throw ModbusConfigurationException.Field($"sensors[{options.SensorId}].unit", unit, "unit 0 is broadcast: no device answers a read", "use the device's unit id (1..247 on RS-485)");
        }

        return unit;
    }

    internal static List<TemplatePoint> SelectPoints(ModbusDeviceOptions options, DeviceTemplate template)
    {
        var selected = SelectNamedPoints(options, template);
        for (int i = 0; i < selected.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (selected[i].Quantity == selected[j].Quantity)
                {
                    string lane = LaneSuffix(selected[j]);
                    var example = selected.Where(p => lane.Length == 0 ? p == selected[j] : p.Name.EndsWith(lane, StringComparison.Ordinal)).Select(p => $"\"{p.Name}\"");
                    throw ModbusConfigurationException.Field(
                        $"sensors[{options.SensorId}].points",
                        options.Points is { Count: > 0 } ? string.Join(",", options.Points) : "(all)",
                        $"points '{selected[j].Name}' and '{selected[i].Name}' of template '{template.Name}' both report {selected[i].Quantity}: one sensor cannot carry two values of a quantity",
                        $"read one lane per sensor: give this sensor only one lane's points (e.g. \"points\": [{string.Join(", ", example)}]) and add a sensor with its own id for the other lane");
                }
            }
        }

        return selected;
    }

    /// <summary>What a point's name adds to its quantity (<c>_lane_1</c> for occupancy_lane_1); empty when the name is the quantity.</summary>
    private static string LaneSuffix(TemplatePoint point) =>
        point.Name.StartsWith(point.Quantity, StringComparison.Ordinal) ? point.Name[point.Quantity.Length..] : "";

    private static List<TemplatePoint> SelectNamedPoints(ModbusDeviceOptions options, DeviceTemplate template)
    {
        var selected = new List<TemplatePoint>();
        if (options.Points is null || options.Points.Count == 0)
        {
            foreach (var point in template.Points)
            {
                if (point.IsMeasurement)
                {
                    selected.Add(point);
                }
            }

            return selected;
        }

        foreach (string name in options.Points)
        {
            var point = template.FindPoint(name);
            if (point is null || !point.IsMeasurement)
            {
                var known = new List<string>();
                foreach (var p in template.Points)
                {
                    if (p.IsMeasurement)
                    {
                        known.Add(p.Name);
                    }
                }

                throw ModbusConfigurationException.Field($"sensors[{options.SensorId}].points", name, $"is not a measurement point of template '{template.Name}'", $"use one of: {string.Join(", ", known)}");
            }

            if (!selected.Contains(point))
            {
                selected.Add(point);
            }
        }

        return selected;
    }

    private void Decode(IReadingCollector collector, int index, ReadOnlySpan<ushort> block)
    {
        var now = _timeProvider.GetUtcNow();
        var request = _plan[index];
        foreach (var point in _planPoints[index])
        {
            double value = point.Decode(block.Slice(point.Address - request.Start, point.ItemCount));
            if (!double.IsFinite(value))
            {
                collector.AddFault(new SensorFault(SensorId, FaultCodes.NotAvailable, $"{point.Name}: device reports a non-finite value ({value}) at {TemplateLoader.TableName(point.Table)} {point.Address}", now, Transient: true));
                continue;
            }

            var quality = point.IsInRange(value) ? Quality.Good : Quality.Bad;
            collector.Add(new Reading(SensorId, point.Quantity, value, point.Unit, now, quality));
        }
    }

    private void ReportFailure(IReadingCollector collector, int index, string code, bool transient, string message)
    {
        var now = _timeProvider.GetUtcNow();
        var request = _plan[index];
        foreach (var point in _planPoints[index])
        {
            collector.AddFault(new SensorFault(SensorId, code, $"{point.Name} ({request}): {message}", now, transient));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Modbus sensor {Sensor}: circuit opened for {Seconds} s (device not answering); one probe per break")]
    private static partial void LogCircuitOpened(ILogger logger, string sensor, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Modbus sensor {Sensor}: circuit closed (device answers again)")]
    private static partial void LogCircuitClosed(ILogger logger, string sensor);
}
