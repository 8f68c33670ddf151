namespace CityBrain.Drivers.Modbus;
internal static class AssemblyMarker
{
}
