namespace CityBrain.Hub.Notifications;

/// <summary>The levels an alert escalates through, lowest first (their names are the wire form).</summary>
public static class EscalationLevels
{
    public const int Grid = 0;
    public const int Street = 1;
    public const int District = 2;
    public const int City = 3;

    private static readonly string[] LevelNames = ["grid", "street", "district", "city"];

    public static IReadOnlyList<string> Names => LevelNames;

    public static string Name(int level) => LevelNames[level];

    /// <summary>The level of a wire name (-1 when unknown).</summary>
    public static int Parse(string name) => Array.IndexOf(LevelNames, name);
}
