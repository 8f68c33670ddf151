using System.Diagnostics;
using System.Globalization;
using CityBrain.Edge.Buffering;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Benchmarks;

/// <summary>
/// Disk buffer (group commit) figures: append rate, drain rate (begin + end), append and drain together, bytes written
/// per reading, fsyncs, and the process's peak RSS. Readings look like a node's: 200 sensors × 3 quantities.
/// Args: <c>[readings=2000000] [batch=500] [dir=temp]</c>.
/// </summary>
public sealed class BufferBenchmark : IBenchmark
{
    private const int Sensors = 200;
    private const int Producers = 2;
    private const int OutstandingPerProducer = 64;

    public string Name => "buffer";

    public string Description => "disk buffer (group commit): appends/s, drain/s, bytes per reading, peak RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        string root = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "citybrain-bench-buffer-" + Environment.ProcessId);
        Reading[][] batches = MakeBatches(batch, 64);
        Console.WriteLine($"buffer: {total:N0} readings in batches of {batch}, {Producers} producers × {OutstandingPerProducer} appends in flight, dir {root}");
        Console.WriteLine($"        {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (figures are wall-clock; per CPU-second is steadier on a shared machine)");
        try
        {
            await using (DiskReadingBuffer disk = await OpenAsync(root, "append-drain", cancellationToken))
            {
                TimeSpan cpu = Cpu();
                double appendRate = await AppendAsync(disk, batches, total, cancellationToken);
                TimeSpan appendCpu = Cpu() - cpu;
                BufferStats afterAppend = disk.GetStats();
                int indexEntries = disk.IndexEntries;
                long retained = GC.GetTotalMemory(forceFullCollection: true);
                cpu = Cpu();
                double drainRate = await DrainAsync(disk, batch, total, cancellationToken);
                TimeSpan drainCpu = Cpu() - cpu;
                Console.WriteLine($"  append            {appendRate,12:N0} readings/s   {total / appendCpu.TotalSeconds,12:N0} per CPU-second ({disk.FsyncCount:N0} fsyncs)");
                Console.WriteLine($"  drain (begin+end) {drainRate,12:N0} readings/s   {total / drainCpu.TotalSeconds,12:N0} per CPU-second");
                Console.WriteLine($"  bytes written     {afterAppend.BytesWritten / (double)afterAppend.Appended,12:N2} bytes/reading ({afterAppend.BytesWritten:N0} bytes, {afterAppend.Appended:N0} readings)");
                Console.WriteLine($"  when full         {afterAppend.Readings:N0} readings buffered, {indexEntries:N0} index entries, {retained / 1024:N0} kB managed heap after a full GC (whole process)");
            }

            await using (DiskReadingBuffer disk = await OpenAsync(root, "concurrent", cancellationToken))
            {
                TimeSpan cpu = Cpu();
                double rate = await AppendAndDrainAsync(disk, batches, batch, total, cancellationToken);
                Console.WriteLine($"  append+begin+end  {rate,12:N0} readings/s   {total / (Cpu() - cpu).TotalSeconds,12:N0} per CPU-second (producers and publisher at once)");
            }

            await using (DiskReadingBuffer disk = await OpenAsync(root, "serial", cancellationToken))
            {
                double rate = await SerialAsync(disk, batches, 40, cancellationToken);
                Console.WriteLine($"  serial appends    {rate,12:N0} readings/s   (one producer awaiting each {batch}-reading append: bounded by the 50 ms window)");
            }

            GCMemoryInfo gc = GC.GetGCMemoryInfo();
            Console.WriteLine($"  peak RSS (disk)   {PeakRss()}   (before the memory-buffer run; GC heap now {gc.HeapSizeBytes / 1024:N0} kB, committed {gc.TotalCommittedBytes / 1024:N0} kB)");
            await using (var memory = new MemoryReadingBuffer(new MemoryBufferOptions { MaxReadings = total }, TimeProvider.System))
            {
                double appendRate = await AppendAsync(memory, batches, total, cancellationToken);
                double drainRate = await DrainAsync(memory, batch, total, cancellationToken);
                Console.WriteLine($"  memory buffer     {appendRate,12:N0} appends/s, {drainRate:N0} drain/s");
            }

            Console.WriteLine($"  peak RSS (all)    {PeakRss()}   (the memory buffer held all {total:N0} readings)");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ValueTask<DiskReadingBuffer> OpenAsync(string root, string name, CancellationToken cancellationToken) =>
        DiskReadingBuffer.OpenAsync(
            new DiskBufferOptions { Directory = Path.Combine(root, name), FsyncPolicy = FsyncPolicy.GroupCommit },
            TimeProvider.System,
            NullLogger<DiskReadingBuffer>.Instance,
            cancellationToken: cancellationToken);

    private static async Task<double> AppendAsync(IReadingBuffer buffer, Reading[][] batches, int total, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await ProduceAsync(buffer, batches, total, cancellationToken);
        return total / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> DrainAsync(IReadingBuffer buffer, int batch, int total, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        long drained = await ConsumeAsync(buffer, batch, total, cancellationToken);
        return drained / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> AppendAndDrainAsync(IReadingBuffer buffer, Reading[][] batches, int batch, int total, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Task<long> consumer = Task.Run(() => ConsumeAsync(buffer, batch, total, cancellationToken), cancellationToken);
        await ProduceAsync(buffer, batches, total, cancellationToken);
        long drained = await consumer;
        return drained / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> SerialAsync(IReadingBuffer buffer, Reading[][] batches, int appends, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < appends; i++)
        {
            await buffer.AppendAsync(batches[i % batches.Length], cancellationToken);
        }

        return appends * batches[0].Length / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Producers keep several appends in flight, as a pipeline handing batches to the buffer does.</summary>
    private static async Task ProduceAsync(IReadingBuffer buffer, Reading[][] batches, int total, CancellationToken cancellationToken)
    {
        int appendsEach = total / batches[0].Length / Producers;
        var producers = new Task[Producers];
        for (int p = 0; p < Producers; p++)
        {
            int offset = p;
            producers[p] = Task.Run(
                async () =>
                {
                    var inFlight = new Queue<Task>(OutstandingPerProducer);
                    for (int i = 0; i < appendsEach; i++)
                    {
                        if (inFlight.Count == OutstandingPerProducer)
                        {
                            await inFlight.Dequeue();
                        }

                        inFlight.Enqueue(buffer.AppendAsync(batches[(i + offset) % batches.Length], cancellationToken).AsTask());
                    }

                    await Task.WhenAll(inFlight);
                },
                cancellationToken);
        }

        await Task.WhenAll(producers);
    }

    private static async Task<long> ConsumeAsync(IReadingBuffer buffer, int batch, int total, CancellationToken cancellationToken)
    {
        long drained = 0;
        int expected = total / batch / Producers * Producers * batch;
        while (drained < expected)
        {
            await buffer.WaitToReadAsync(cancellationToken);
            BufferBatch live = await buffer.BeginBatchAsync(BufferLane.Live, batch, cancellationToken);
            BufferBatch taken = live.IsEmpty ? await buffer.BeginBatchAsync(BufferLane.Backlog, batch, cancellationToken) : live;
            drained += taken.Count;
            await buffer.EndBatchAsync(taken, taken.Count, cancellationToken);
        }

        return drained;
    }

    private static Reading[][] MakeBatches(int batch, int count)
    {
        string[] sensors = new string[Sensors];
        for (int s = 0; s < Sensors; s++)
        {
            sensors[s] = "sensor-" + s.ToString("D3", CultureInfo.InvariantCulture);
        }

        (string Quantity, string Unit)[] quantities = [("temperature", "°C"), ("pm2_5", "ug/m3"), ("fill_level", "%")];
        var random = new Random(42);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var batches = new Reading[count][];
        int n = 0;
        for (int b = 0; b < count; b++)
        {
            batches[b] = new Reading[batch];
            for (int i = 0; i < batch; i++, n++)
            {
                (string quantity, string unit) = quantities[n / Sensors % quantities.Length];
                double value = Math.Round(random.NextDouble() * 100, 1);
                batches[b][i] = new Reading(sensors[n % Sensors], quantity, value, unit, start.AddMilliseconds(n * 5L));
            }
        }

        return batches;
    }

    private static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static string PeakRss()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return line["VmHWM:".Length..].Trim();
            }
        }

        return "unknown (no /proc/self/status)";
    }
}
