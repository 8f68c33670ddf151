using System.Device.I2c;
using System.Globalization;
using CityBrain.Sensing;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// One chip on an I2C bus. A poll takes the bus's lock (one transfer at a time per adapter, whatever sensor asks), then
/// reads on a pool thread with bounded retries; the lock is released when the transfers end, even when the poll was
/// abandoned (a hung transfer holds its own bus, never the caller). A missing or failing chip gives a fault that names
/// the bus and address and no value; the chip is built again (the binding's init) after it was lost.
/// </summary>
internal sealed class I2cSensorDriver : ISensorDriver, ISensorDiagnostics
{
    private readonly I2cChipTarget _target;
    private readonly Func<I2cDevice, II2cChip> _create;
    private readonly II2cDeviceFactory _devices;
    private readonly BusLock _busLock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly double[] _values;
    private readonly Lock _stateLock = new();
    private II2cChip? _chip;
    private I2cDevice? _device;
    private string _state = "not read yet";
    private string? _lastFault;
    private long _consecutiveFaults;
    private long _retries;
    private long _inits;

    public I2cSensorDriver(I2cChipTarget target, IReadOnlyList<QuantityInfo> quantities, Func<I2cDevice, II2cChip> create, II2cDeviceFactory devices, BusLock busLock, TimeProvider time, ILogger logger)
    {
        _target = target;
        Quantities = quantities;
        _create = create;
        _devices = devices;
        _busLock = busLock;
        _time = time;
        _logger = logger;
        _values = new double[quantities.Count];
    }

    public string SensorId => _target.SensorId;

    public IReadOnlyList<QuantityInfo> Quantities { get; }

    public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        BusLock.Held held;
        try
        {
            held = await _busLock.AcquireAsync(_target.LockTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Report(collector, new ChipFault(FaultCodes.DeviceBusy, $"{_target.Where}: the bus stayed busy for {_target.LockTimeout.TotalMilliseconds:0} ms (another chip's transfer holds it)", Retry: false));
            return;
        }

        // Not cancellable once started: the transfers release the lock when they end, whoever still waits for them.
        var work = Task.Run(() =>
        {
            try
            {
                return ReadWithRetries();
            }
            finally
            {
                held.Dispose();
            }
        });
        var fault = await work.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (fault is not null)
        {
            Report(collector, fault);
            return;
        }

        var stamp = _time.GetUtcNow();
        for (int i = 0; i < _values.Length; i++)
        {
            collector.Add(new Reading(_target.SensorId, Quantities[i].Quantity, _values[i], Quantities[i].Unit, stamp));
        }
    }

    /// <summary>Reads the chip, building it first when needed; null on success (values in <see cref="_values"/>).</summary>
    private ChipFault? ReadWithRetries()
    {
        ChipFault? fault = null;
        for (int attempt = 0; attempt <= _target.Retries; attempt++)
        {
            if (attempt > 0)
            {
                Interlocked.Increment(ref _retries);
                I2cDriverMetrics.Retries.Add(1, new KeyValuePair<string, object?>("bus", _target.BusId));
            }

            try
            {
                if (_chip is null)
                {
                    _device ??= _devices.Open(_target.BusNumber, _target.Address);
                    _chip = _create(_device);
                    Interlocked.Increment(ref _inits);
                }

                _chip.Read(_values);
                foreach (double v in _values)
                {
                    if (!double.IsFinite(v))
                    {
                        throw ChipFaultException.OutOfRange($"{_target.Where}: the chip gave a non-finite value");
                    }
                }

                Succeeded();
                return null;
            }
            catch (Exception ex)
            {
                fault = I2cErrors.Classify(ex, _target.Where);
                if (ex is not ChipFaultException)
                {
                    // The chip may have lost power or its settings: build it again (the binding's init) next time.
                    DropChip();
                }

                if (!fault.Retry)
                {
                    break;
                }
            }
        }

        return fault;
    }

    private void Succeeded()
    {
        lock (_stateLock)
        {
            if (_consecutiveFaults > 0)
            {
                _logger.LogInformation("I2C sensor {Sensor} at {Where} reads again after {Faults} faults", _target.SensorId, _target.Where, _consecutiveFaults);
            }

            _consecutiveFaults = 0;
            _state = "ok";
        }
    }

    private void Report(IReadingCollector collector, ChipFault fault)
    {
        lock (_stateLock)
        {
            if (_consecutiveFaults == 0)
            {
                _logger.LogWarning("I2C sensor {Sensor}: {Code}: {Message}", _target.SensorId, fault.Code, fault.Message);
            }

            _consecutiveFaults++;
            _state = fault.Code;
            _lastFault = fault.Code + ": " + fault.Message;
        }

        I2cDriverMetrics.Faults.Add(1, new KeyValuePair<string, object?>("bus", _target.BusId), new KeyValuePair<string, object?>("code", fault.Code));
        collector.AddFault(new SensorFault(_target.SensorId, fault.Code, fault.Message, _time.GetUtcNow(), Transient: fault.Code != FaultCodes.WrongChip && fault.Code != FaultCodes.NotAvailable));
    }

    private void DropChip()
    {
        var chip = _chip;
        var device = _device;
        _chip = null;
        _device = null;
        try
        {
            // A binding disposes the device it was given; a chip that never got built leaves it to us.
            if (chip is not null)
            {
                chip.Dispose();
            }
            else
            {
                device?.Dispose();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogDebug(ex, "disposing the I2C device of {Sensor} failed", _target.SensorId);
        }
    }

    public IReadOnlyDictionary<string, string> Diagnostics()
    {
        lock (_stateLock)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["chip"] = _target.Chip,
                ["bus"] = _target.Where,
                ["state"] = _state,
                ["consecutive_faults"] = _consecutiveFaults.ToString(CultureInfo.InvariantCulture),
                ["retries"] = Interlocked.Read(ref _retries).ToString(CultureInfo.InvariantCulture),
                ["inits"] = Interlocked.Read(ref _inits).ToString(CultureInfo.InvariantCulture),
            };
            if (_lastFault is not null)
            {
                facts["last_fault"] = _lastFault.Length <= 200 ? _lastFault : _lastFault[..200];
            }

            return facts;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Wait for a transfer still in flight, then let go of the chip; a transfer hung for good keeps its device.
        BusLock.Held held;
        try
        {
            held = await _busLock.AcquireAsync(_target.LockTimeout + TimeSpan.FromSeconds(5), _time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("I2C sensor {Sensor}: {Where} stayed busy at shutdown; its device is left open", _target.SensorId, _target.Where);
            return;
        }

        using (held)
        {
            DropChip();
        }
    }
}
