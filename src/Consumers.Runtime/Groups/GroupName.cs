using Consumers.Groups;

namespace Consumers;

/// <summary>
/// The rules for group names, Channels' rules plus <c>:</c>: 1 to 100 ASCII letters, digits, <c>-</c>, <c>_</c>,
/// <c>.</c> and <c>:</c> (e.g. <c>room:42</c>, <c>chat.lobby</c>). Every valid name maps to a NATS subject.
/// </summary>
public static class GroupName
{
    /// <summary>The longest valid name, in characters (Channels' limit).</summary>
    public const int MaxLength = GroupNameRules.MaxLength;

    /// <summary>
    /// The prefix of the groups the runtime keeps per authenticated user (<see cref="ForUser"/>). Consumers cannot join
    /// such a group themselves (<c>JoinGroupAsync</c> refuses the prefix), so a client cannot listen in on another user.
    /// </summary>
    public const string UserPrefix = "consumers.user:";

    /// <summary>
    /// The group every connection of an authenticated user joins on every node (SignalR's <c>Clients.User</c>):
    /// <c>consumers.user:</c> and the user id encoded with <see cref="EncodeValue"/>, fitted with <see cref="Fit"/>.
    /// </summary>
    /// <param name="userId">The user id: the <c>NameIdentifier</c> claim, else a JWT's <c>sub</c>, else the identity's name.</param>
    /// <exception cref="ArgumentException">The user id is null or empty.</exception>
    public static string ForUser(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Fit(UserPrefix + EncodeValue(userId));
    }

    /// <summary>
    /// Throws when <paramref name="name"/> is a user group (<see cref="UserPrefix"/>): only the runtime joins those,
    /// never a consumer, whether it joins the group or subscribes to it as an observer group.
    /// </summary>
    /// <param name="name">The group a consumer asked for.</param>
    /// <param name="parameterName">The caller's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">The name starts with <see cref="UserPrefix"/>.</exception>
    internal static void RefuseUserGroup(string? name, string parameterName = "group")
    {
        if (name?.StartsWith(UserPrefix, StringComparison.Ordinal) == true)
        {
            throw new ArgumentException($"\"{UserPrefix}...\" groups belong to authenticated users; send to them with SendToUserAsync.", parameterName);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid group name.</summary>
    /// <param name="name">The candidate name.</param>
    public static bool IsValid(string? name) => GroupNameRules.IsValid(name);

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

    /// <summary>
    /// Encodes a value for a group name (used by the generated group functions of <c>[ModelObserver]</c> templates):
    /// ASCII letters, digits, <c>-</c> and <c>_</c> stay; every other UTF-8 byte becomes <c>.</c> and two uppercase hex
    /// digits (<c>"bad room"</c> → <c>bad.20room</c>, <c>"a:b"</c> → <c>a.3Ab</c>). Distinct values give distinct
    /// encodings, and no encoding contains <c>:</c>, so <c>{A}:{B}</c> templates cannot collide.
    /// </summary>
    /// <param name="value">Any text, empty included.</param>
    /// <returns>The value as it is when it needs no encoding (no allocation), else its encoding.</returns>
    public static string EncodeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = 0;
        while (i < value.Length && IsPlain(value[i]))
        {
            i++;
        }

        if (i == value.Length)
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length + 16);
        builder.Append(value, 0, i);
        Span<byte> utf8 = stackalloc byte[4];
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (IsPlain(c))
            {
                builder.Append(c);
                continue;
            }

            // A surrogate pair is one code point: encode both halves together (a lone half as U+FFFD, as UTF-8 does).
            var length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                ? System.Text.Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                : System.Text.Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('.').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Makes a name built from a template fit <see cref="MaxLength"/>: a name that fits is returned as it is; a longer
    /// one becomes its first 58 characters, <c>..</c> and 40 hex digits of its SHA-256 (unique for all practical
    /// purposes, and never produced by <see cref="EncodeValue"/>, whose dots are followed by hex digits).
    /// </summary>
    /// <param name="name">A name made of valid characters.</param>
    /// <returns>A valid group name.</returns>
    public static string Fit(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= MaxLength)
        {
            return name;
        }

        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name), hash);
        return string.Concat(name.AsSpan(0, 58), "..", Convert.ToHexString(hash[..20]));
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static bool IsPlain(char c) => GroupNameRules.IsPlain(c);

    private static bool IsAllowed(char c) => GroupNameRules.IsAllowed(c);
}
