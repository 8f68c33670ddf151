using System.Diagnostics;
using System.Globalization;

namespace CityBrain.Benchmarks.Modbus;

/// <summary>A tiny C client built against libmodbus at bench time: reads N × 10 holding registers and prints its elapsed time.</summary>
internal sealed class LibmodbusClient : IDisposable
{
    private const string Source = """
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <time.h>
        #include <modbus.h>

        int main(int argc, char **argv) {
            if (argc != 5) { fprintf(stderr, "usage: host port unit n\n"); return 2; }
            modbus_t *ctx = modbus_new_tcp(argv[1], atoi(argv[2]));
            modbus_set_slave(ctx, atoi(argv[3]));
            if (modbus_connect(ctx) == -1) { fprintf(stderr, "connect: %s\n", modbus_strerror(errno)); return 1; }
            long n = atol(argv[4]);
            uint16_t regs[10];
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (long i = 0; i < n; i++) {
                if (modbus_read_registers(ctx, 0, 10, regs) != 10) { fprintf(stderr, "read: %s\n", modbus_strerror(errno)); return 1; }
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            printf("%ld %.6f\n", n, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
            modbus_close(ctx);
            modbus_free(ctx);
            return 0;
        }
        """;

    private readonly string _folder;

    private LibmodbusClient(string folder, string binary)
    {
        _folder = folder;
        Binary = binary;
    }

    public string Binary { get; }

    public static async Task<LibmodbusClient> BuildAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists("/usr/include/modbus/modbus.h"))
        {
            throw new InvalidOperationException("libmodbus headers missing: run `apt-get install -y libmodbus-dev` (bench/modbus.sh does).");
        }

        string folder = Directory.CreateTempSubdirectory("citybrain-libmodbus-").FullName;
        string source = Path.Combine(folder, "bench.c");
        string binary = Path.Combine(folder, "bench");
        await File.WriteAllTextAsync(source, Source, cancellationToken);
        var (code, output) = await RunAsync("gcc", ["-O2", "-o", binary, source, "-I/usr/include/modbus", "-lmodbus"], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"gcc failed: {output}");
        }

        return new LibmodbusClient(folder, binary);
    }

    /// <summary>Runs <paramref name="transactions"/> reads; returns the elapsed time the C program measured.</summary>
    public async Task<TimeSpan> RunAsync(int port, byte unit, int transactions, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(Binary, ["127.0.0.1", port.ToString(CultureInfo.InvariantCulture), unit.ToString(CultureInfo.InvariantCulture), transactions.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"libmodbus client failed: {output}");
        }

        string[] parts = output.Trim().Split(' ');
        return TimeSpan.FromSeconds(double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
