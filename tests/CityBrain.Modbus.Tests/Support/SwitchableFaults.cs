namespace CityBrain.Modbus.Tests.Support;

/// <summary>A fault injector a test turns on and off, optionally only for requests starting at one address.</summary>
internal sealed class SwitchableFaults : IModbusFaultInjector
{
    public ModbusFaultAction Action { get; set; }

    public int? OnlyAtAddress { get; set; }

    public int Remaining { get; set; } = int.MaxValue;

    public ModbusFaultAction Decide(byte unit, ReadOnlySpan<byte> requestPdu)
    {
        int start = (requestPdu[1] << 8) | requestPdu[2];
        if (Action.Kind == ModbusFaultKind.None || (OnlyAtAddress is { } a && a != start) || Remaining <= 0)
        {
            return ModbusFaultAction.None;
        }

        Remaining--;
        return Action;
    }
}
