using System.Text.RegularExpressions;

namespace Chat.Consumers;

/// <summary>The rule for room names, shared by the DCRF room (<see cref="RoomDto"/>) and the Channels tutorial's room.</summary>
public static partial class RoomNames
{
    /// <summary>1-50 ASCII letters, digits, <c>-</c> or <c>_</c>: safe in a path and, unchanged, in a group name.</summary>
    public const string Pattern = "^[A-Za-z0-9_-]{1,50}$";

    /// <summary>The message for a name that breaks the rule.</summary>
    public const string Rule = "Use 1-50 letters, digits, '-' or '_'.";

    /// <summary>Whether <paramref name="name"/> is a valid room name.</summary>
    public static bool IsValid(string? name) => name is not null && Regex().IsMatch(name);

    [GeneratedRegex(Pattern)]
    private static partial Regex Regex();
}
