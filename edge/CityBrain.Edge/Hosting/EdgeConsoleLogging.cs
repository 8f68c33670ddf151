using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// The node's console log: under systemd (its output goes to the journal: <c>JOURNAL_STREAM</c> set, or systemd
/// started the process) one line per entry with the <c>&lt;N&gt;</c> syslog priority prefix journald reads, so
/// <c>journalctl -p warning</c> works; in a terminal, single lines with a timestamp. Choosing here, instead of adding
/// a simple console after <c>AddSystemd</c>, keeps the systemd format from being overridden.
/// </summary>
public static class EdgeConsoleLogging
{
    public static bool WritesToJournal =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")) || SystemdHelpers.IsSystemdService();

    public static ILoggingBuilder AddEdgeConsole(this ILoggingBuilder logging)
    {
        return WritesToJournal
            ? logging.AddSystemdConsole()
            : logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
    }
}
