namespace CityBrain.Drivers.Simulated;
internal static class AssemblyMarker
{
}
