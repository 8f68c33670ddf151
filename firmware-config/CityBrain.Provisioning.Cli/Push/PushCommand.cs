using System.Buffers;
using System.CommandLine;
using System.Text.Json;
using System.Threading.Channels;
using CityBrain.Provisioning.Signing;
using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Provisioning.Cli;

/// <summary>
/// <c>citybrain push FILE --key KEY</c>: signs the configuration and publishes it retained on the node's <c>config</c>
/// topic as the provisioning user, then waits for the node's <c>config/state</c> answer and prints it.
/// Exit 0 applied, 4 rejected or rolled back, 1 invalid here, 3 no answer or broker unreachable.
/// </summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The node configuration to push (its node.id, location and revision address it)." };
        var key = new Option<string>("--key") { Description = "The signing key (PEM, from 'citybrain keys new').", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the node's answer (longer than the node's health window).", DefaultValueFactory = _ => 120 };
        var noCheck = new Option<bool>("--no-check") { Description = "Push without validating here first (the node still validates)." };
        var broker = new BrokerConnection();
        var command = new Command("push", "Sign a node configuration and push it to the node; print the node's answer.") { file, key, timeout, noCheck, ValidateCommand.TemplatesDir };
        broker.AddTo(command);
        Verb.SetAction(command, "push", async (parse, output, cancellationToken) =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException(ExitCodes.Unreadable, $"{path}: no such file");
            }

            byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(noCheck))
            {
                var (loaded, errors) = await ValidateCommand.CheckAsync(path, parse.GetValue(ValidateCommand.TemplatesDir), cancellationToken).ConfigureAwait(false);
                if (loaded is null)
                {
                    output.Line("Not pushed: the configuration is invalid.");
                    return ValidateCommand.Report(output, path, null, errors);
                }
            }

            var (node, revision) = Address(bytes, path);
            string keyPath = parse.GetValue(key)!;
            if (!File.Exists(keyPath))
            {
                throw new CliException(ExitCodes.Unreadable, $"--key {keyPath}: no such file; create one with 'citybrain keys new'");
            }

            using var signingKey = SigningKeys.LoadPrivateKey(keyPath);
            var envelope = ConfigSigner.Sign(bytes, node.NodeId, revision, signingKey, DateTimeOffset.UtcNow);
            output.Result["node"] = node.NodeId;
            output.Result["revision"] = revision;
            output.Result["keyId"] = envelope.KeyId;

            using var client = await broker.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            var answers = Channel.CreateUnbounded<ConfigStateMessage>();
            string stateTopic = Topics.For(node, Topics.ConfigState);
            client.ApplicationMessageReceivedAsync += e =>
            {
                // A retained answer is from an earlier push: wait for the live one.
                if (e.ApplicationMessage.Topic == stateTopic && !e.ApplicationMessage.Retain
                    && TryRead(e.ApplicationMessage.Payload.ToArray()) is { } state && state.Revision == revision)
                {
                    answers.Writer.TryWrite(state);
                }

                return Task.CompletedTask;
            };
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(stateTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            var published = await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.For(node, Topics.Config))
                    .WithPayload(JsonSerializer.SerializeToUtf8Bytes(envelope, SigningJsonContext.Default.ConfigEnvelope))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithRetainFlag(true)
                    .WithContentType("application/json")
                    .Build(),
                cancellationToken).ConfigureAwait(false);
            if (!published.IsSuccess && published.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                throw new CliException(ExitCodes.Unreachable, $"the broker refused the configuration ({published.ReasonCode}); push with the provisioning user (--username citybrain-provisioning) the ACL lets write config");
            }

            output.Line($"Pushed revision {revision} to {Topics.For(node, Topics.Config)} (key {envelope.KeyId}); waiting for the node's answer...");
            int seconds = parse.GetValue(timeout);
            ConfigStateMessage answer;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(TimeSpan.FromSeconds(seconds));
                try
                {
                    answer = await answers.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new CliException(ExitCodes.Unreachable, $"no answer from {node.NodeId} within {seconds} s; the configuration stays retained and is applied when the node connects; check with 'citybrain status --node {node.NodeId}'");
                }
            }

            output.Result["state"] = answer.State;
            output.Result["reason"] = answer.Reason;
            output.Result["running"] = answer.Running;
            output.Result["ts"] = answer.Timestamp;
            output.Line($"{node.NodeId}: revision {answer.Revision} {answer.State.Replace('_', ' ')}: {answer.Reason} (running revision {answer.Running})");
            return answer.State == ConfigStateMessage.Applied ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return command;
    }

    private static ConfigStateMessage? TryRead(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, ContractJsonContext.Default.ConfigStateMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The node (id and location) and revision the file names; they address and bind the push.</summary>
    private static (CityBrain.Sensing.NodeIdentity Node, long Revision) Address(byte[] bytes, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            var n = root.GetProperty("node");
            var location = n.GetProperty("location");
            string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new KeyNotFoundException(name);
            return (new CityBrain.Sensing.NodeIdentity(Text(n, "id"), new CityBrain.Sensing.Location(Text(location, "city"), Text(location, "district"), Text(location, "street"), Text(location, "grid"))),
                root.GetProperty("revision").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliException(ExitCodes.Invalid, $"{path}: needs node.id, node.location (city, district, street, grid) and revision to be addressed ({ex.Message.Split('.')[0]}); run 'citybrain validate {path}'");
        }
    }
}
