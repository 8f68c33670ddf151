namespace CityBrain.Edge;
internal static class AssemblyMarker
{
}
