using Microsoft.Extensions.Hosting.Systemd;

namespace CityBrain.Testing.Hosting;

/// <summary>A systemd notifier that records what the service would send (<c>WATCHDOG=1</c>, <c>READY=1</c>).</summary>
public sealed class RecordingNotifier(bool enabled = true) : ISystemdNotifier
{
    private readonly List<string> _sent = [];

    public bool IsEnabled => enabled;

    public void Notify(ServiceState state)
    {
        lock (_sent)
        {
            _sent.Add(state.ToString());
        }
    }

    public int Count(string message)
    {
        lock (_sent)
        {
            return _sent.Count(s => s == message);
        }
    }
}
