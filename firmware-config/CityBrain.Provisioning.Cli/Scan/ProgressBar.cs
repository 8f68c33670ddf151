namespace CityBrain.Provisioning.Cli;

/// <summary>A one-line progress bar on stderr (stdout stays clean for results and --json), redrawn at most every 100 ms.</summary>
internal sealed class ProgressBar(int total, TextWriter error)
{
    private long _lastDraw;
    private bool _drawn;

    public void Report(int done, string what)
    {
        long now = Environment.TickCount64;
        if (done < total && now - _lastDraw < 100)
        {
            return;
        }

        _lastDraw = now;
        _drawn = true;
        int filled = total == 0 ? 30 : (int)(30L * done / total);
        error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {done}/{total} {what,-28}");
    }

    /// <summary>Ends the bar's line so the results start on their own.</summary>
    public void Finish()
    {
        if (_drawn)
        {
            error.WriteLine();
        }
    }
}
