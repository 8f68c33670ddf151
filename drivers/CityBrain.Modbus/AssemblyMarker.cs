namespace CityBrain.Modbus;
internal static class AssemblyMarker
{
}
