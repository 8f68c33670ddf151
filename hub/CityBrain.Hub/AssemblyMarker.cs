namespace CityBrain.Hub;
internal static class AssemblyMarker
{
}
