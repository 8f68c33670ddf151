using System.Globalization;

namespace CityBrain.Provisioning.Cli;

/// <summary>Parses the command's HOST[:PORT] and number-range arguments with messages that name the flag.</summary>
internal static class Endpoint
{
    public static (string Host, int Port) Parse(string flag, string text, int defaultPort)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return text.Length > 0 ? (text, defaultPort) : throw new CliException(ExitCodes.Unreadable, $"{flag} is empty: give HOST or HOST:PORT, e.g. 127.0.0.1:{defaultPort}");
        }

        if (colon == 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new CliException(ExitCodes.Unreadable, $"{flag} {text}: expected HOST or HOST:PORT with a port 1..65535, e.g. 127.0.0.1:{defaultPort}");
        }

        return (text[..colon], port);
    }

    /// <summary>"1-10,17" → 1..10, 17, each within [min, max].</summary>
    public static IReadOnlyList<int> Range(string flag, string text, int min, int max)
    {
        var values = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] ends = part.Split('-', 2);
            if (!int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int to) || from > to || from < min || to > max)
            {
                throw new CliException(ExitCodes.Unreadable, $"{flag} {text}: expected numbers or ranges within {min}..{max}, e.g. 1-10,17");
            }

            for (int v = from; v <= to; v++)
            {
                values.Add(v);
            }
        }

        return values.Count > 0 ? values.Distinct().ToList() : throw new CliException(ExitCodes.Unreadable, $"{flag} is empty: give numbers or ranges, e.g. 1-10,17");
    }
}
