using System.Device.Gpio;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// One opened input pin with an edge callback on both edges (debouncing needs both, whatever edge counts). Each raw edge
/// is handed on with a timestamp from the injected clock taken in the callback (the library's event arguments carry no
/// time). Closing unregisters the callback and closes the pin; the controller stays open for other sensors.
/// </summary>
public sealed class GpioPinWatch : IDisposable
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private int _closed;

    private PinChangeEventHandler? _handler;

    private GpioPinWatch(GpioController controller, int pin, bool initialHigh)
    {
        _controller = controller;
        _pin = pin;
        InitialHigh = initialHigh;
    }

    /// <summary>The level read right after opening, before any edge is watched.</summary>
    public bool InitialHigh { get; }

    /// <summary>Opens <paramref name="pin"/> as an input with <paramref name="mode"/> and reads its level.</summary>
    public static GpioPinWatch Open(GpioController controller, int pin, PinMode mode)
    {
        ArgumentNullException.ThrowIfNull(controller);
        controller.OpenPin(pin, mode);
        try
        {
            return new GpioPinWatch(controller, pin, controller.Read(pin) == PinValue.High);
        }
        catch
        {
            controller.ClosePin(pin);
            throw;
        }
    }

    /// <summary>Calls <paramref name="onEdge"/>(level after the edge, ticks of <paramref name="time"/>) on every edge from now on.</summary>
    public void Start(TimeProvider time, Action<bool, long> onEdge)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onEdge);
        _handler = (_, e) => onEdge(e.ChangeType == PinEventTypes.Rising, time.GetTimestamp());
        _controller.RegisterCallbackForPinValueChangedEvent(_pin, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_handler is not null)
            {
                _controller.UnregisterCallbackForPinValueChangedEvent(_pin, _handler);
            }
        }
        finally
        {
            if (_controller.IsPinOpen(_pin))
            {
                _controller.ClosePin(_pin);
            }
        }
    }
}
