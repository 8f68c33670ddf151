using System.Globalization;
using System.Text.Json;
using CityBrain.Sensing;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// A pulse-counting GPIO sensor (loop detector, rain gauge, flow meter, any pulse output): each poll ends an interval
/// and reports its counts and rates; the running total survives restarts through the node's state store.
/// <para>
/// Persistence: each poll saves the total and "reported up to" <em>before</em> handing its readings on
/// (persist-then-report), so a crash can never make the next run report the same pulses again; a failed save keeps
/// the interval for the next poll. Saving once per poll (two fsyncs) rather than per pulse keeps a busy flow meter
/// from wearing the SD card, and is exactly as often as counts become visible. A clean stop saves the unreported
/// remainder (pulses and watched time), which the first interval after the restart carries. Pulses between the last
/// save and a crash, and pulses while the service was down, are not known: they are shown as a gap in the health
/// detail (<c>down_since</c>, <c>down_for_s</c>, <c>previous_stop</c>), never invented or spread over the interval.
/// </para>
/// </summary>
public sealed class PulseCounterDriver : ISensorDriver, ISensorDiagnostics
{
    private readonly GpioSensorSetup _setup;
    private readonly double _unitsPerPulse;
    private readonly TimeProvider _time;
    private readonly DurableStateStore? _store;
    private readonly ILogger _logger;
    private readonly PulseCounter _counter;
    private readonly SemaphoreSlim _saving = new(1, 1);
    private readonly Dictionary<string, string> _restoreFacts = new(StringComparer.Ordinal);
    private GpioPinWatch? _watch;
    private string? _saveError;
    private int _disposed;

    private PulseCounterDriver(GpioSensorSetup setup, PulseCounterSettings settings, double unitsPerPulse, bool initialHigh, TimeProvider time, DurableStateStore? store, ILogger logger)
    {
        _setup = setup;
        _unitsPerPulse = unitsPerPulse;
        _time = time;
        _store = store;
        _logger = logger;
        _counter = new PulseCounter(initialHigh, settings, time);
    }

    public string SensorId => _setup.SensorId;

    public IReadOnlyList<QuantityInfo> Quantities => _setup.Profile.Quantities;

    /// <summary>The counter (tests and the benchmark compare it with the edges they raised).</summary>
    public PulseCounter Counter => _counter;

    /// <summary>Name of this sensor's entry in the state store.</summary>
    public static string StateName(string sensorId) => "gpio-" + sensorId + ".json";

    /// <summary>Opens the pin and continues from the saved state, if any.</summary>
    /// <param name="unitsPerPulse">mm per tip (rain gauge), litres per pulse (flow meter), 1 otherwise.</param>
    public static async Task<PulseCounterDriver> OpenAsync(GpioSensorSetup setup, PulseCounterSettings settings, double unitsPerPulse, TimeProvider time, DurableStateStore? store, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var saved = store is null ? null : await store.LoadAsync(StateName(setup.SensorId), cancellationToken).ConfigureAwait(false);
        var watch = GpioPinWatch.Open(setup.Chip.Controller, setup.Pin, setup.Pull);
        try
        {
            var driver = new PulseCounterDriver(setup, settings, unitsPerPulse, watch.InitialHigh, time, store, logger) { _watch = watch };
            driver.Restore(saved);
            watch.Start(time, driver._counter.OnEdge);
            return driver;
        }
        catch
        {
            watch.Dispose();
            throw;
        }
    }

    public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collector);
        var wall = _time.GetUtcNow();
        var interval = _counter.TakeInterval(_time.GetTimestamp());
        try
        {
            await SaveAsync(interval.Total, interval.Total, TimeSpan.Zero, TimeSpan.Zero, wall, clean: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            _counter.Return(interval);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            _saveError = ex.Message;
            collector.AddFault(new SensorFault(SensorId, FaultCodes.DriverError, $"the count could not be saved ({ex.Message}); this interval is reported with the next one", wall));
            return;
        }

        _saveError = null;
        Report(interval, wall, collector);
    }

    private void Report(PulseInterval interval, DateTimeOffset at, IReadingCollector collector)
    {
        var q = _setup.Profile.Quantities;
        double amount = interval.Count * _unitsPerPulse;
        switch (_setup.Profile.Mode)
        {
            case GpioMode.VehicleLoop:
                collector.Add(new Reading(SensorId, q[0].Quantity, interval.Count, q[0].Unit, at));
                collector.Add(new Reading(SensorId, q[1].Quantity, interval.OccupancyPercent, q[1].Unit, at));
                break;
            case GpioMode.RainGauge:
                collector.Add(new Reading(SensorId, q[0].Quantity, amount, q[0].Unit, at));
                if (interval.PerHour is { } tipsPerHour)
                {
                    collector.Add(new Reading(SensorId, q[1].Quantity, tipsPerHour * _unitsPerPulse, q[1].Unit, at));
                }

                break;
            case GpioMode.FlowMeter:
                if (interval.PerHour is { } pulsesPerHour)
                {
                    collector.Add(new Reading(SensorId, q[0].Quantity, pulsesPerHour * _unitsPerPulse / 60.0, q[0].Unit, at));
                }

                collector.Add(new Reading(SensorId, q[1].Quantity, interval.Total * _unitsPerPulse, q[1].Unit, at));
                break;
            default:
                collector.Add(new Reading(SensorId, q[0].Quantity, interval.Count, q[0].Unit, at));
                collector.Add(new Reading(SensorId, q[1].Quantity, interval.Total, q[1].Unit, at));
                break;
        }
    }

    public IReadOnlyDictionary<string, string> Diagnostics()
    {
        var facts = _setup.BaseDiagnostics();
        facts["edges"] = _counter.Edges.ToString(CultureInfo.InvariantCulture);
        facts["total"] = _counter.Total.ToString(CultureInfo.InvariantCulture);
        facts["last_edge"] = _counter.LastEdge is { } last ? GpioSensorSetup.Format(GpioSensorSetup.WallTime(_time, last)) : "never";
        facts["state"] = _store is null ? "not persisted (no state directory: memory buffer)" : _saveError is null ? "persisted" : "save failed: " + Truncate(_saveError);
        lock (_restoreFacts)
        {
            foreach (var (key, value) in _restoreFacts)
            {
                facts[key] = value;
            }
        }

        return facts;
    }

    private void Restore(byte[]? saved)
    {
        if (saved is null)
        {
            return;
        }

        CounterState? state;
        try
        {
            state = JsonSerializer.Deserialize(saved, CounterStateJsonContext.Default.CounterState);
        }
        catch (JsonException ex)
        {
            _logger.LogWarning("Sensor {Sensor}: saved count unreadable ({Error}); counting from zero", SensorId, ex.Message);
            _restoreFacts["state_reset"] = "the saved count was unreadable";
            return;
        }

        if (state is null || state.Mode != _setup.Profile.Name)
        {
            _restoreFacts["state_reset"] = $"the saved count was for mode '{state?.Mode}'";
            return;
        }

        _counter.Restore(state);
        var savedAt = DateTimeOffset.FromUnixTimeMilliseconds(state.SavedAtMs);
        var downFor = _time.GetUtcNow() - savedAt;
        _restoreFacts["down_since"] = GpioSensorSetup.Format(savedAt);
        _restoreFacts["down_for_s"] = Math.Max(0, downFor.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        _restoreFacts["previous_stop"] = state.Clean
            ? "clean: no pulse counted was lost; pulses while down were not seen"
            : "unclean: pulses after down_since (last save) and while down were not seen";
        _logger.LogInformation(
            "Sensor {Sensor}: continuing from total {Total} ({Unreported} not yet reported); input not watched from {DownSince} for {DownFor}",
            SensorId,
            state.Total,
            state.Total - state.Reported,
            savedAt,
            downFor);
    }

    private async Task SaveAsync(long total, long reported, TimeSpan observed, TimeSpan active, DateTimeOffset at, bool clean, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }

        var state = new CounterState
        {
            Mode = _setup.Profile.Name,
            Total = total,
            Reported = reported,
            PendingObservedMs = observed.TotalMilliseconds,
            PendingActiveMs = active.TotalMilliseconds,
            SavedAtMs = at.ToUnixTimeMilliseconds(),
            Clean = clean,
        };
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(state, CounterStateJsonContext.Default.CounterState);
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.SaveAsync(StateName(SensorId), bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _saving.Release();
        }
    }

    private static string Truncate(string text) => text.Length <= 150 ? text : text[..150];

    /// <summary>A clean stop: stops watching, then saves what was counted but not reported, with its watched time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watch?.Dispose();
        var pending = _counter.Peek(_time.GetTimestamp());
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await SaveAsync(pending.Total, pending.Total - pending.Count, pending.Observed, pending.Active, _time.GetUtcNow(), clean: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            _logger.LogWarning("Sensor {Sensor}: the count at stop could not be saved ({Error}); the next start continues from the last poll's save", SensorId, ex.Message);
        }

        _saving.Dispose();
    }
}
