namespace CityBrain.Provisioning.Cli;

/// <summary>The command's exit codes (docs/technicians.md, <c>citybrain --help</c>).</summary>
internal static class ExitCodes
{
    /// <summary>Done; the configuration is valid; the node applied it.</summary>
    public const int Ok = 0;

    /// <summary>The configuration is invalid (validate, init), or the scan found nothing.</summary>
    public const int Invalid = 1;

    /// <summary>A file cannot be read, or the command line is wrong.</summary>
    public const int Unreadable = 2;

    /// <summary>A device, port or broker did not answer or refused (I/O, timeout, TLS, credentials).</summary>
    public const int Unreachable = 3;

    /// <summary>The node refused the pushed configuration or rolled it back.</summary>
    public const int Refused = 4;

    /// <summary>Stopped with Ctrl-C (what was found so far is printed).</summary>
    public const int Interrupted = 130;

    /// <summary>A bug in the command: the message says what happened; please report it.</summary>
    public const int Internal = 70;

    public const string Help = "Exit codes: 0 ok, 1 invalid configuration or nothing found, 2 unreadable file or wrong usage, 3 device/port/broker unreachable, 4 the node refused or rolled back, 130 interrupted, 70 internal error.";
}
