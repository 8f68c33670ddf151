using System.Device.Gpio;

namespace CityBrain.Testing.Gpio;

/// <summary>
/// A GPIO chip in memory: a <see cref="GpioDriver"/> subclass (System.Device.Gpio ships no simulator) that a real
/// <see cref="GpioController"/> drives. Tests set a pin's level with <see cref="Set"/> — which raises the registered
/// edge callbacks like the kernel's edge events — or press a contact with bounce (<see cref="Bounce"/>), advancing their
/// fake clock between the raw edges. <see cref="EdgesRaised"/> is the ground truth a count is checked against.
/// </summary>
public sealed class FakeGpioDriver : GpioDriver
{
    private readonly Lock _lock = new();
    private readonly int _pinCount;
    private readonly Dictionary<int, PinMode> _open = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly HashSet<(int Pin, PinMode Mode)> _unsupported = [];
    private long _edges;

    /// <param name="pinCount">Lines on the chip (a Raspberry Pi header chip has 28 usable on BCM numbering; RP1 has 54).</param>
    public FakeGpioDriver(int pinCount = 28) => _pinCount = pinCount;

    /// <summary>Edges raised so far on all pins (every raw level change, bounces included).</summary>
    public long EdgesRaised => Interlocked.Read(ref _edges);

    protected override int PinCount => _pinCount;

    /// <summary>Pins currently open.</summary>
    public IReadOnlyCollection<int> OpenPins
    {
        get
        {
            lock (_lock)
            {
                return [.. _open.Keys];
            }
        }
    }

    /// <summary>Makes the chip refuse <paramref name="mode"/> on <paramref name="pin"/> (e.g. a pull-down it cannot do).</summary>
    public void Refuse(int pin, PinMode mode)
    {
        lock (_lock)
        {
            _unsupported.Add((pin, mode));
        }
    }

    /// <summary>The level a pin reads before any <see cref="Set"/> (a pulled-up contact that is open reads high).</summary>
    public void SetInitial(int pin, PinValue value)
    {
        lock (_lock)
        {
            _levels[pin] = value;
        }
    }

    /// <summary>Drives <paramref name="pin"/> to <paramref name="value"/>; a change raises the matching callbacks (on the caller's thread).</summary>
    public void Set(int pin, PinValue value)
    {
        PinChangeEventHandler[] handlers;
        PinEventTypes type;
        lock (_lock)
        {
            var before = _levels.TryGetValue(pin, out var v) ? v : PinValue.Low;
            _levels[pin] = value;
            if (before == value)
            {
                return;
            }

            type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            handlers = _callbacks.TryGetValue(pin, out var list) ? [.. list.Where(c => (c.Types & type) != 0).Select(c => c.Handler)] : [];
        }

        Interlocked.Increment(ref _edges);
        var args = new PinValueChangedEventArgs(type, pin);
        foreach (var handler in handlers)
        {
            handler(this, args);
        }
    }

    /// <summary>
    /// A contact changing to <paramref name="final"/> with <paramref name="bounces"/> extra back-and-forth edge pairs
    /// <paramref name="gap"/> apart (a reed switch or relay closing); <paramref name="advance"/> moves the test's clock
    /// between edges. Ends at <paramref name="final"/> after 1 + 2 × bounces edges, the last one <c>2 × bounces × gap</c> after the first.
    /// </summary>
    public void Bounce(int pin, PinValue final, int bounces, TimeSpan gap, Action<TimeSpan> advance)
    {
        ArgumentNullException.ThrowIfNull(advance);
        var other = final == PinValue.High ? PinValue.Low : PinValue.High;
        Set(pin, final);
        for (int i = 0; i < bounces; i++)
        {
            advance(gap);
            Set(pin, other);
            advance(gap);
            Set(pin, final);
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        lock (_lock)
        {
            if (pinNumber < 0 || pinNumber >= _pinCount)
            {
                throw new ArgumentOutOfRangeException(nameof(pinNumber), $"the fake chip has {_pinCount} lines");
            }

            _open[pinNumber] = PinMode.Input;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_lock)
        {
            _open.Remove(pinNumber);
            _callbacks.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            if (_unsupported.Contains((pinNumber, mode)))
            {
                throw new InvalidOperationException($"pin {pinNumber} does not support {mode}");
            }

            _open[pinNumber] = mode;
            if (!_levels.ContainsKey(pinNumber))
            {
                _levels[pinNumber] = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
            }
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
        {
            return _open.TryGetValue(pinNumber, out var mode) ? mode : PinMode.Input;
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            return !_unsupported.Contains((pinNumber, mode));
        }
    }

    protected override PinValue Read(int pinNumber)
    {
        lock (_lock)
        {
            return _levels.TryGetValue(pinNumber, out var v) ? v : PinValue.Low;
        }
    }

    protected override void Write(int pinNumber, PinValue value) => Set(pinNumber, value);

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var seen = new ManualResetEventSlim();
        PinEventTypes got = PinEventTypes.None;
        PinChangeEventHandler handler = (_, e) =>
        {
            got = e.ChangeType;
            seen.Set();
        };
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            seen.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = got, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            if (!_callbacks.TryGetValue(pinNumber, out var list))
            {
                _callbacks[pinNumber] = list = [];
            }

            list.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            if (_callbacks.TryGetValue(pinNumber, out var list))
            {
                list.RemoveAll(c => c.Handler == callback);
            }
        }
    }
}
