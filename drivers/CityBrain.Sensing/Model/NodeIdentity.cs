namespace CityBrain.Sensing;

/// <summary>A node (one edge gateway) and its place in the city.</summary>
public sealed record NodeIdentity(string NodeId, Location Location);
