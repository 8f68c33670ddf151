namespace CityBrain.Drivers.I2c;

/// <summary>Why a chip gave no value: a reason code from <see cref="CityBrain.Sensing.FaultCodes"/>, the text (naming bus and address), and whether another attempt within the poll may help.</summary>
public sealed record ChipFault(string Code, string Message, bool Retry);
