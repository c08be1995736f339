using Microsoft.AspNetCore.Identity;

namespace Chat.Accounts;

/// <summary>
/// Identity's normalized user name is the name's skeleton (<see cref="NameSkeleton"/>): a sign-in finds an account by
/// it, and the unique index on <c>NormalizedUserName</c> refuses a second name that looks like the first
/// (<c>аlice</c> with a Cyrillic а, <c>alıce</c>, <c>alice̶</c> beside <c>alice</c>). E-mail addresses stay upper-cased.
/// </summary>
public sealed class ChatLookupNormalizer : ILookupNormalizer
{
    public string? NormalizeName(string? name) => name is null ? null : NameSkeleton.Of(name);

    public string? NormalizeEmail(string? email) => email?.ToUpperInvariant();
}
