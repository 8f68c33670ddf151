using System.CommandLine;
using CityBrain.Provisioning.Signing;

namespace CityBrain.Provisioning.Cli;

/// <summary><c>citybrain keys new</c>: an ECDSA P-256 signing key pair as PEM files (the public one goes to the nodes' trust directory).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "File name stem: NAME.key.pem (private, mode 0600) and NAME.pub.pem.", DefaultValueFactory = _ => "citybrain-provisioning" };
        var dir = new Option<string>("--dir") { Description = "Where to write them.", DefaultValueFactory = _ => "." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var create = new Command("new", "Create a signing key pair for 'citybrain push'.") { name, dir, force };
        Verb.SetAction(create, "keys new", (parse, output, _) =>
        {
            var (privatePath, publicPath, keyId) = SigningKeys.CreatePair(parse.GetValue(dir)!, parse.GetValue(name)!, parse.GetValue(force));
            output.Result["privateKey"] = privatePath;
            output.Result["publicKey"] = publicPath;
            output.Result["keyId"] = keyId;
            output.Line($"private key: {privatePath} (keep it on the provisioning laptop; mode 0600)");
            output.Line($"public key:  {publicPath} (install on every node as /etc/citybrain/trust/{Path.GetFileName(publicPath)})");
            output.Line($"key id:      {keyId}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return new Command("keys", "Signing keys for pushed configurations.") { create };
    }
}
