namespace Consumers.Groups;

/// <summary>
/// The rules for group names, written once and compiled into both the runtime (behind <c>GroupName</c>) and
/// the generator (linked by Consumers.Generators.csproj, which checks <c>[ModelObserver]</c> templates): Channels'
/// rules plus <c>:</c>, that is 1 to <see cref="MaxLength"/> ASCII letters, digits, <c>-</c>, <c>_</c>, <c>.</c> and
/// <c>:</c>. It must compile for netstandard2.0 too: no span APIs, no ranges, no <c>char.IsAscii*</c>.
/// </summary>
internal static class GroupNameRules
{
    /// <summary>The longest valid name, in characters (Channels' limit).</summary>
    public const int MaxLength = 100;

    /// <summary>Whether <paramref name="name"/> is a valid group name.</summary>
    public static bool IsValid(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="c"/> may appear in a group name: an ASCII letter or digit, <c>-</c>, <c>_</c>, <c>.</c> or <c>:</c>.</summary>
    public static bool IsAllowed(char c) => IsPlain(c) || c is '.' or ':';

    /// <summary>
    /// Whether <paramref name="c"/> stands for itself in an encoded value (<c>GroupName.EncodeValue</c>): an ASCII
    /// letter or digit, <c>-</c> or <c>_</c>; <c>.</c> and <c>:</c> are kept for the encoding and for separators.
    /// </summary>
    public static bool IsPlain(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';
}
