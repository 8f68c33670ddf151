namespace CityBrain.Hub.Configuration;

/// <summary>The hub's process exit codes that systemd acts on (deploy/systemd/citybrain-hub.service).</summary>
public static class HubExitCodes
{
    /// <summary>hub.json is missing, unreadable or invalid (EX_CONFIG): listed in RestartPreventExitStatus, since a restart would not help.</summary>
    public const int Configuration = 78;
}
