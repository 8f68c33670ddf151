using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Memory;

public sealed class MemoryHeadroomMonitorTests
{
    private sealed class ListLogger : ILogger<MemoryHeadroomMonitor>
    {
        public readonly List<string> Messages = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add($"{logLevel}: {formatter(state, exception)}");
    }

    private const long MiB = 1024 * 1024;

    [Fact]
    public void Check_HeapNearLimit_WarnsWithSettingAndValue_ThenNotAgainForTenMinutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var logger = new ListLogger();
        long heap = 80 * MiB;
        var monitor = new MemoryHeadroomMonitor(time, logger, () => (heap, 96 * MiB));

        Assert.True(monitor.Check());
        string warning = Assert.Single(logger.Messages);
        Assert.StartsWith("Warning: 80 MiB of the GC heap survived the last full collection, of a 96 MiB limit", warning, StringComparison.Ordinal);
        Assert.Contains("raise DOTNET_GCHeapHardLimit in citybrain-hub.service to at least 160 MiB (hex without 0x: a000000)", warning, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.False(monitor.Check());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(monitor.Check());
        Assert.Equal(2, logger.Messages.Count);
    }

    [Theory]
    [InlineData(52, 96)] // the benchmark's 50k sensor-quantities under the deployed cap
    [InlineData(10, 0)] // no collection yet
    public void Check_Headroom_IsQuiet(long heapMiB, long limitMiB)
    {
        var logger = new ListLogger();
        var monitor = new MemoryHeadroomMonitor(new FakeTimeProvider(), logger, () => (heapMiB * MiB, limitMiB * MiB));
        Assert.False(monitor.Check());
        Assert.Empty(logger.Messages);
    }
}
