using System.Device.Gpio;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// One opened GPIO chip, shared by every sensor on it through the hardware context: the controller and what was chosen
/// (shown in each sensor's health detail). A host or a test registers one with <see cref="GpioHardware.Register"/>.
/// </summary>
/// <param name="Controller">The controller; disposed with the handle.</param>
/// <param name="Chip">Which chip (<c>gpiochip0 "pinctrl-rp1"</c>).</param>
/// <param name="Driver">Which System.Device.Gpio driver (<c>LibGpiodV2Driver (libgpiod.so.3)</c>).</param>
public sealed class GpioChipHandle(GpioController controller, string chip, string driver) : IDisposable
{
    public GpioController Controller { get; } = controller;

    public string Chip { get; } = chip;

    public string Driver { get; } = driver;

    public void Dispose() => Controller.Dispose();
}
