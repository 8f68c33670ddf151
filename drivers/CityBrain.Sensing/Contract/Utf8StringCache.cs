using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// Shares the strings that repeat in every message (sensor ids, quantities, units): a JSON string value is looked
/// up by its UTF-8 bytes as they stand in the payload (no copy, no transcoding; escaped values are unescaped first)
/// and the one string already made for it is returned. Only strings the caller has validated are
/// remembered (<see cref="Remember"/>), at most <c>capacity</c> of them, so garbage input cannot fill the cache; beyond
/// it strings are simply allocated as before. Thread-safe. The hash is the runtime's randomised one over the UTF-8
/// bytes, so crafted ids cannot pile up in one bucket.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxChars = 128;

    private readonly ConcurrentDictionary<string, string> _strings = new(Utf8Comparer.Instance);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly int _capacity;
    private int _count;

    public Utf8StringCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The current string token's value (unescaped), shared when it was seen before.</summary>
    /// <param name="remembered">
    /// True when the string came from the cache: it was validated before it was remembered, so the caller need not
    /// validate it (or remember it) again.
    /// </param>
    public string Get(ref Utf8JsonReader reader, out bool remembered)
    {
        long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxChars)
        {
            remembered = false;
            return reader.GetString()!;
        }

        string? shared;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            remembered = _lookup.TryGetValue(reader.ValueSpan, out shared);
            return remembered ? shared! : reader.GetString()!; // GetString validates the UTF-8 as before
        }

        // Escaped (rare): unescaped by GetString, which reports invalid UTF-8 as the codec expects.
        string value = reader.GetString()!;
        remembered = _strings.TryGetValue(value, out shared);
        return remembered ? shared! : value;
    }

    /// <summary>The string of <paramref name="ascii"/> (printable ASCII, no escapes), shared when it was seen before.</summary>
    public string Get(ReadOnlySpan<byte> ascii, out bool remembered)
    {
        remembered = _lookup.TryGetValue(ascii, out string? shared);
        return remembered ? shared! : Encoding.ASCII.GetString(ascii);
    }

    /// <summary>Keeps a validated string for later messages (while there is room).</summary>
    public void Remember(string value)
    {
        // ConcurrentDictionary.Count takes every lock: the cache counts for itself; ContainsKey is lock-free.
        if (Volatile.Read(ref _count) < _capacity && !_strings.ContainsKey(value) && _strings.TryAdd(value, value))
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Ordinal string equality; the hash of a string is the hash of its UTF-8 bytes, so both forms agree.</summary>
    private sealed class Utf8Comparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<byte>, string>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj)
        {
            int max = Encoding.UTF8.GetMaxByteCount(obj.Length);
            if (max <= 1024)
            {
                Span<byte> bytes = stackalloc byte[max];
                return Hash(bytes[..Encoding.UTF8.GetBytes(obj, bytes)]);
            }

            return Hash(Encoding.UTF8.GetBytes(obj));
        }

        public bool Equals(ReadOnlySpan<byte> alternate, string other)
        {
            if (System.Text.Ascii.Equals(alternate, other))
            {
                return true;
            }

            if (System.Text.Ascii.IsValid(alternate) || alternate.Length > 4 * other.Length)
            {
                return false;
            }

            // Non-ASCII (e.g. a unit such as °C): compared as UTF-8; invalid UTF-8 never equals a string.
            int max = Encoding.UTF8.GetMaxByteCount(other.Length);
            Span<byte> bytes = max <= 1024 ? stackalloc byte[max] : new byte[max];
            return alternate.SequenceEqual(bytes[..Encoding.UTF8.GetBytes(other, bytes)]);
        }

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public string Create(ReadOnlySpan<byte> alternate) => Encoding.UTF8.GetString(alternate);

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
