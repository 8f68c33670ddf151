using System.Collections.Concurrent;
using System.Text.Json;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// Shares the strings that repeat in every message (sensor ids, quantities, units): a JSON string value is looked
/// up by its characters (copied to the stack, no allocation) and the one string already made for it is returned.
/// Only strings the caller has validated are remembered (<see cref="Remember"/>), at most <c>capacity</c> of them,
/// so garbage input cannot fill the cache; beyond it strings are simply allocated as before. Thread-safe.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxChars = 128;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;

    public Utf8StringCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
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

        Span<char> chars = stackalloc char[MaxChars];
        var text = chars[..reader.CopyString(chars)];
        remembered = _lookup.TryGetValue(text, out string? shared);
        return remembered ? shared! : new string(text);
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
}
