using System.Globalization;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Serial;

/// <summary>
/// A particulate-matter sensor streaming frames over a UART (SDS011 about once a second, PMS5003 every 0.2–2.3 s). A
/// reader thread keeps the port open (every read times out, a lost port is reopened) and parses frames; a poll reports
/// the newest frame that arrived since the previous poll, stamped with its arrival, or waits up to the read timeout for
/// one — and gives a <c>timeout</c> fault when none came, never the previous frame again.
/// </summary>
public sealed class PmSerialDriver : ISensorDriver, ISensorDiagnostics
{
    private static readonly QuantityInfo[] PmsChannels = [new("pm1_0", "ug/m3"), new("pm2_5", "ug/m3"), new("pm10", "ug/m3")];
    private static readonly QuantityInfo[] SdsChannels = [new("pm2_5", "ug/m3"), new("pm10", "ug/m3")];

    private readonly PmSerialOptions _options;
    private readonly ISerialStreamFactory _ports;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PmFrameParser _parser;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _reader;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PmSample _latest;
    private DateTimeOffset _latestAt;
    private long _latestSeq;
    private long _polledSeq;
    private string? _portProblem;
    private long _reopens;

    public PmSerialDriver(PmSerialOptions options, ISerialStreamFactory ports, TimeProvider time, ILogger logger)
    {
        _options = options;
        _ports = ports;
        _time = time;
        _logger = logger;
        _parser = options.CreateParser();
        Quantities = options.Format == "pms5003" ? PmsChannels : SdsChannels;
    }

    public string SensorId => _options.SensorId;

    public IReadOnlyList<QuantityInfo> Quantities { get; }

    public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        _reader ??= Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task arrived;
        lock (_lock)
        {
            arrived = _arrived.Task;
        }

        if (!TryTakeFresh(out var sample, out var at))
        {
            try
            {
                await arrived.WaitAsync(_options.ReadTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            if (!TryTakeFresh(out sample, out at))
            {
                string problem;
                lock (_lock)
                {
                    problem = _portProblem ?? string.Create(CultureInfo.InvariantCulture, $"no valid {_options.Format} frame on {_options.Port} within {_options.ReadTimeout.TotalMilliseconds:0} ms ({_parser.BadFrames} bad frames, {_parser.SkippedBytes} bytes skipped so far)");
                }

                collector.AddFault(new SensorFault(SensorId, _portProblem is null ? FaultCodes.Timeout : FaultCodes.NotAvailable, problem, _time.GetUtcNow()));
                return;
            }
        }

        int i = 0;
        if (sample.Pm1 is { } pm1)
        {
            collector.Add(new Reading(SensorId, Quantities[i++].Quantity, pm1, "ug/m3", at));
        }

        collector.Add(new Reading(SensorId, Quantities[i++].Quantity, sample.Pm25, "ug/m3", at));
        collector.Add(new Reading(SensorId, Quantities[i].Quantity, sample.Pm10, "ug/m3", at));
    }

    private bool TryTakeFresh(out PmSample sample, out DateTimeOffset at)
    {
        lock (_lock)
        {
            sample = _latest;
            at = _latestAt;
            if (_latestSeq == _polledSeq)
            {
                return false;
            }

            _polledSeq = _latestSeq;
            return true;
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[256];
        var samples = new List<PmSample>(4);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Stream stream;
            try
            {
                stream = _ports.Open(_options.Port, _options.BaudRate, _options.ReadTimeout);
                SetProblem(null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                SetProblem($"cannot open {_options.Port}: {ex.Message}");
                token.WaitHandle.WaitOne(_options.ReadTimeout);
                continue;
            }

            using (stream)
            using (token.Register(static s => ((Stream)s!).Dispose(), stream))
            {
                ReadFrames(stream, buffer, samples, token);
            }

            Interlocked.Increment(ref _reopens);
        }
    }

    private void ReadFrames(Stream stream, byte[] buffer, List<PmSample> samples, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            int n;
            try
            {
                n = stream.Read(buffer);
            }
            catch (TimeoutException)
            {
                continue;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                if (!token.IsCancellationRequested)
                {
                    SetProblem($"{_options.Port} failed: {ex.Message}");
                }

                return;
            }

            if (n == 0)
            {
                SetProblem($"{_options.Port} closed");
                token.WaitHandle.WaitOne(_options.ReadTimeout);
                return;
            }

            samples.Clear();
            _parser.Feed(buffer.AsSpan(0, n), samples);
            if (samples.Count > 0)
            {
                Publish(samples[^1]);
            }
        }
    }

    private void Publish(PmSample sample)
    {
        TaskCompletionSource arrived;
        lock (_lock)
        {
            _latest = sample;
            _latestAt = _time.GetUtcNow();
            _latestSeq++;
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    private void SetProblem(string? problem)
    {
        lock (_lock)
        {
            if (problem is not null && _portProblem is null)
            {
                _logger.LogWarning("PM sensor {Sensor}: {Problem}", SensorId, problem);
            }

            _portProblem = problem;
        }
    }

    public IReadOnlyDictionary<string, string> Diagnostics() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["port"] = _options.Port,
        ["format"] = _options.Format,
        ["good_frames"] = _parser.GoodFrames.ToString(CultureInfo.InvariantCulture),
        ["bad_frames"] = _parser.BadFrames.ToString(CultureInfo.InvariantCulture),
        ["skipped_bytes"] = _parser.SkippedBytes.ToString(CultureInfo.InvariantCulture),
        ["reopens"] = Interlocked.Read(ref _reopens).ToString(CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_reader is { } reader)
        {
            await reader.WaitAsync(_options.ReadTimeout + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
