namespace CityBrain.Drivers.Gpio;

/// <summary>How a pulse counter reads its input.</summary>
/// <param name="ActiveLow">The input is active (vehicle present, contact closed) at the low level.</param>
/// <param name="CountRising">A debounced low→high change counts.</param>
/// <param name="CountFalling">A debounced high→low change counts.</param>
/// <param name="Debounce">How long the level must stay put before a change counts.</param>
public sealed record PulseCounterSettings(bool ActiveLow, bool CountRising, bool CountFalling, TimeSpan Debounce);
