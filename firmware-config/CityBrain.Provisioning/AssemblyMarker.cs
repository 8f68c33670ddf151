namespace CityBrain.Provisioning;
internal static class AssemblyMarker
{
}
