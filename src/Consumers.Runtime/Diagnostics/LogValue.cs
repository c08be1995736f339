namespace Consumers.Diagnostics;

/// <summary>
/// Shortens client-chosen text (action and stream names, <c>request_id</c>s, origins) before it is logged, so that an
/// attacker cannot turn every message into megabytes of log.
/// </summary>
internal static class LogValue
{
    /// <summary>Characters kept of a logged value; the rest is replaced by a count.</summary>
    public const int MaxLength = 128;

    /// <summary>The value itself when it is at most <see cref="MaxLength"/> characters, else its start and how much was cut.</summary>
    public static string Truncate(string? value)
        => value is null || value.Length <= MaxLength
            ? value ?? "null"
            : string.Concat(value.AsSpan(0, MaxLength), "... (", (value.Length - MaxLength).ToString(System.Globalization.CultureInfo.InvariantCulture), " more characters)");

    /// <summary>UTF-8 text decoded for the log, at most <see cref="MaxLength"/> characters of it.</summary>
    public static string Truncate(ReadOnlySpan<byte> utf8)
    {
        // Decode no more than the log keeps (4 bytes per character at most), so a 1 MiB value costs nothing.
        var cut = utf8.Length > MaxLength * 4;
        var text = System.Text.Encoding.UTF8.GetString(cut ? utf8[..(MaxLength * 4)] : utf8);
        return cut || text.Length > MaxLength
            ? string.Concat(text.AsSpan(0, Math.Min(text.Length, MaxLength)), "... (", utf8.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " bytes in all)")
            : text;
    }
}
