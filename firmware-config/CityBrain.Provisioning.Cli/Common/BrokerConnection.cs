using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace CityBrain.Provisioning.Cli;

/// <summary>The flags that reach the broker as the provisioning user (TLS with the city's CA), and the connection.</summary>
internal sealed class BrokerConnection
{
    public readonly Option<string> Broker = new("--broker") { Description = "Broker HOST[:PORT] (default port 8883, or 1883 with --no-tls).", Required = true };
    public readonly Option<string?> Ca = new("--ca") { Description = "CA certificate (PEM) that signed the broker's certificate (default: the system's trust store)." };
    public readonly Option<string?> ServerName = new("--server-name") { Description = "The broker certificate's name when it differs from the host." };
    public readonly Option<string> Username = new("--username") { Description = "Broker user.", DefaultValueFactory = _ => "citybrain-provisioning" };
    public readonly Option<string?> PasswordFile = new("--password-file") { Description = "File holding the broker password of --username." };
    public readonly Option<bool> NoTls = new("--no-tls") { Description = "Plain MQTT (a bench broker on this machine only)." };

    public IEnumerable<Option> All => [Broker, Ca, ServerName, Username, PasswordFile, NoTls];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public async Task<IMqttClient> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        bool tls = !parse.GetValue(NoTls);
        var (host, port) = Endpoint.Parse("--broker", parse.GetValue(Broker)!, tls ? 8883 : 1883);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("citybrain-cli-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (parse.GetValue(PasswordFile) is { } passwordFile)
        {
            string password;
            try
            {
                password = (await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Unreadable, $"--password-file {passwordFile}: {ex.Message}");
            }

            builder = builder.WithCredentials(parse.GetValue(Username), password);
        }

        if (tls)
        {
            string? ca = parse.GetValue(Ca);
            if (ca is not null && !File.Exists(ca))
            {
                throw new CliException(ExitCodes.Unreadable, $"--ca {ca}: no such file; give the CA certificate (PEM) of the city's broker");
            }

            builder = builder.WithTlsOptions(t =>
            {
                t.UseTls().WithRevocationMode(X509RevocationMode.NoCheck);
                if (parse.GetValue(ServerName) is { } name)
                {
                    t.WithTargetHost(name);
                }

                if (ca is not null)
                {
                    var chain = new X509Certificate2Collection();
                    chain.ImportFromPemFile(ca);
                    t.WithTrustChain(chain);
                }
            });
        }

        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var result = await client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new CliException(ExitCodes.Unreachable, $"the broker {host}:{port} refused the connection ({result.ResultCode}); check --username and --password-file");
            }

            return client;
        }
        catch (Exception ex) when (ex is not CliException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            string hint = tls ? "check --broker, --ca and --server-name (or --no-tls for a plain bench broker)" : "check --broker";
            throw new CliException(ExitCodes.Unreachable, $"cannot connect to the broker {host}:{port}: {(ex.InnerException ?? ex).Message}; {hint}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
