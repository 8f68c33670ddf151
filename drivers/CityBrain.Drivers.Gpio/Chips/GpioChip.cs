namespace CityBrain.Drivers.Gpio;

/// <summary>A GPIO chip as the kernel lists it: <c>/dev/gpiochip{Index}</c>, its label and how many lines it has.</summary>
/// <param name="Index">The character device's number (what libgpiod opens).</param>
/// <param name="Label">The driver's label, stable across kernels (<c>pinctrl-rp1</c>), unlike the number.</param>
/// <param name="Lines">Lines (pins) on the chip; 0 when unknown.</param>
public sealed record GpioChip(int Index, string Label, int Lines);
