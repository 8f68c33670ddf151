namespace CityBrain.Testing.Servers;

/// <summary>
/// A real Mosquitto broker (Debian package <c>mosquitto</c>) on a free loopback port, anonymous, with persistence in
/// its temp directory so that persistent sessions survive <see cref="RestartAsync"/>.
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/mosquitto";

    private readonly TempDirectory _dir = new("mosquitto");
    private readonly string _extraConfig;
    private readonly Func<int, string, string>? _fullConfig;
    private ServerProcess? _process;

    private MosquittoServer(int port, string extraConfig, Func<int, string, string>? fullConfig = null)
    {
        Port = port;
        _extraConfig = extraConfig;
        _fullConfig = fullConfig;
    }

    /// <summary>The broker's own directory (certificates, password and ACL files of a custom configuration go here).</summary>
    public string Directory => _dir.Path;

    public int Port { get; }

    public string Host => "127.0.0.1";

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="extraConfig">Lines appended to mosquitto.conf (e.g. <c>max_queued_messages 100000</c>).</param>
    public static async Task<MosquittoServer> StartAsync(string extraConfig = "")
    {
        var server = new MosquittoServer(FreePort.Get(), extraConfig);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Stops the broker (SIGTERM: it saves its persistence file). Use <see cref="StartProcessAsync"/> to bring it back.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(5));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Kills the broker (SIGKILL).</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>
    /// Starts a broker with a configuration of the test's own (e.g. TLS, passwords, ACL): <paramref name="config"/>
    /// gets the port and the broker's directory and returns mosquitto.conf; <paramref name="prepare"/> may write
    /// files into the directory first.
    /// </summary>
    public static async Task<MosquittoServer> StartCustomAsync(Func<string, Task> prepare, Func<int, string, string> config)
    {
        var server = new MosquittoServer(FreePort.Get(), string.Empty, config);
        await prepare(server.Directory);
        await server.StartProcessAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public async Task StartProcessAsync()
    {
        // Started as root, mosquitto drops to the 'mosquitto' user: it must be able to write its persistence
        // file here, or sessions (and the messages queued for them) silently vanish at a restart.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        }

        string conf = _dir.Combine("mosquitto.conf");
        if (_fullConfig is not null)
        {
            await File.WriteAllTextAsync(conf, _fullConfig(Port, _dir.Path));
            _process = ServerProcess.Start("mosquitto", Binary, ["-c", conf], _dir.Path, "mosquitto");
            var custom = _process;
            await FreePort.WaitForListenerAsync(Port, TimeSpan.FromSeconds(15), "mosquitto", () => custom.Tail());
            return;
        }

        await File.WriteAllTextAsync(conf, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_dir.Path}/
            autosave_interval 1
            max_queued_messages 1000000
            max_inflight_messages 100
            message_size_limit 0
            log_dest stdout
            log_type error
            log_type warning
            log_type notice
            log_type information
            {_extraConfig}
            """);
        _process = ServerProcess.Start("mosquitto", Binary, ["-c", conf], _dir.Path, "mosquitto");
        var p = _process;
        await FreePort.WaitForListenerAsync(Port, TimeSpan.FromSeconds(15), "mosquitto", () => p.Tail());
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _dir.Dispose();
    }
}
