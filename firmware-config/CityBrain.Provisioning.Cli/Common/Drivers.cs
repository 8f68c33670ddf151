using CityBrain.Edge.Composition;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Provisioning.Cli;

/// <summary>The node's own driver registry (so the command checks exactly what a node would), with the templates folder.</summary>
internal static class Drivers
{
    /// <summary>The templates folder: the flag, <c>CITYBRAIN_TEMPLATES</c>, <c>templates/</c> beside the command, or the repository's.</summary>
    public static string TemplatesDirectory(string? flag) => NodeComponents.TemplatesDirectoryFor(flag);

    public static DriverRegistry Create(string? templatesDirectory) => BuiltInDrivers.Create(TemplatesDirectory(templatesDirectory));
}
