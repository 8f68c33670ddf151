namespace CityBrain.Hub.Sinks;

/// <summary>A line a database refused for good, with the server's reason.</summary>
public readonly record struct RejectedLine(int Index, string Reason);
