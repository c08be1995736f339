namespace Consumers;

/// <summary>
/// The rules for group names, Channels' rules plus <c>:</c>: 1 to 100 ASCII letters, digits, <c>-</c>, <c>_</c>,
/// <c>.</c> and <c>:</c> (e.g. <c>room:42</c>, <c>chat.lobby</c>). Every valid name maps to a NATS subject.
/// </summary>
public static class GroupName
{
    /// <summary>The longest valid name, in characters (Channels' limit).</summary>
    public const int MaxLength = 100;

    /// <summary>Whether <paramref name="name"/> is a valid group name.</summary>
    /// <param name="name">The candidate name.</param>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
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

    /// <summary>Throws when <paramref name="name"/> is not a valid group name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="parameterName">The caller's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">The name is empty, longer than <see cref="MaxLength"/>, or has a character outside the allowed set; the message names the problem.</exception>
    public static void Validate(string? name, string parameterName = "group")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A group name must not be empty.", parameterName);
        }

        if (name.Length > MaxLength)
        {
            throw new ArgumentException($"The group name \"{name[..20]}...\" is {name.Length} characters long; the limit is {MaxLength}.", parameterName);
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (!IsAllowed(name[i]))
            {
                throw new ArgumentException(
                    $"The group name \"{name}\" has '{name[i]}' at position {i}; use only ASCII letters, digits, '-', '_', '.' and ':'.",
                    parameterName);
            }
        }
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
