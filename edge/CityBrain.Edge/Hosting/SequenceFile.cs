using System.Globalization;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// Keeps the node's next sequence number across restarts when the buffer itself is not durable (memory mode).
/// At start it reserves a block ahead, so a crash never reuses a number: the hub then sees a gap, which is honest —
/// a memory buffer loses what it held when the process dies.
/// </summary>
public sealed class SequenceFile
{
    public const long CrashReserve = 10_000_000;

    private readonly string _path;

    public SequenceFile(string path) => _path = path;

    /// <summary>Returns the first sequence number to use and records the crash reservation.</summary>
    public async Task<long> ReserveAsync(CancellationToken cancellationToken)
    {
        long next = 0;
        if (File.Exists(_path))
        {
            string text = (await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out next))
            {
                throw new InvalidDataException($"{_path} holds '{text}', not a sequence number; delete it to restart numbering (the hub will report the jump)");
            }
        }

        await WriteAsync(next + CrashReserve, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Records the exact next number at a clean shutdown.</summary>
    public Task WriteAsync(long next, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        string temp = _path + ".tmp";
        File.WriteAllText(temp, next.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, _path, overwrite: true);
        return Task.CompletedTask;
    }
}
