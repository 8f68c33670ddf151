using System.Text;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Turns UTF-8 bytes from disk into shared string instances so decoded readings do not allocate their sensor, quantity
/// and unit names again and again. Bounded: cleared when it exceeds <see cref="MaxEntries"/>. Not thread-safe.
/// </summary>
internal sealed class StringInterner
{
    private const int MaxEntries = 8192;
    private const int MaxInternedChars = 256;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringInterner() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxInternedChars)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxInternedChars];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        ReadOnlySpan<char> text = chars[..length];
        if (_lookup.TryGetValue(text, out string? existing))
        {
            return existing;
        }

        if (_strings.Count >= MaxEntries)
        {
            _strings.Clear();
        }

        string created = text.ToString();
        _strings.Add(created, created);
        return created;
    }
}
