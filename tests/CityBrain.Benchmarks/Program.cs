using System.Reflection;
using CityBrain.Benchmarks;

var benchmarks = typeof(Program).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: citybrain-bench NAME [args]");
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-20} {b.Description}");
    }

    return args.Length == 0 ? 2 : 0;
}

var selected = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (selected is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; run without arguments for the list");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    return await selected.RunAsync(args[1..], cts.Token);
}
catch (InvalidOperationException ex)
{
    // A server or the process under test failed (it says which, with its log): no figure to print.
    Console.Error.WriteLine($"{selected.Name}: {ex.Message}");
    return 1;
}

internal sealed partial class Program
{
}
