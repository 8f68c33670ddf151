namespace CityBrain.Sensing.Catalogue;

/// <summary>Levenshtein distance with an early exit, for "did you mean" over a few hundred short names.</summary>
internal static class EditDistance
{
    /// <summary>The edit distance between <paramref name="a"/> and <paramref name="b"/>, or <paramref name="limit"/> when it is at least that.</summary>
    public static int Between(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) >= limit)
        {
            return limit;
        }

        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin >= limit)
            {
                return limit;
            }

            current.CopyTo(previous);
        }

        return Math.Min(previous[b.Length], limit);
    }
}
