namespace CityBrain.Provisioning.Registry;

/// <summary>Where a grid cell is in the city's hierarchy.</summary>
public sealed record GridPlace(string City, string District, string Street, string Community, string Grid);
