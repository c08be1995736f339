using System.Text;

namespace Chat.Accounts;

/// <summary>
/// The scripts whose letters pass for Latin ones (a documented subset of UTS #39's script data, by code point
/// blocks): a name may use letters of at most one of them, so <c>аlice</c> with a Cyrillic а is refused beside
/// <c>alice</c>. Letters of other scripts (Han, Arabic, Devanagari, ...) may stand beside any one of them, as UTS #39's
/// "moderately restrictive" level allows Latin with another script; digits, punctuation and marks belong to none.
/// </summary>
public static class NameScripts
{
    /// <summary>The look-alike script of <paramref name="rune"/>, or null when it is of no such script.</summary>
    public static string? Of(Rune rune) => rune.Value switch
    {
        (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= 0x00C0 and <= 0x024F) or (>= 0x1E00 and <= 0x1EFF)
            or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xAB30 and <= 0xAB6F) or (>= 0x0250 and <= 0x02AF) => "Latin",
        (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => "Greek",
        (>= 0x0400 and <= 0x052F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => "Cyrillic",
        (>= 0x0530 and <= 0x058F) => "Armenian",
        (>= 0x13A0 and <= 0x13FF) or (>= 0xAB70 and <= 0xABBF) => "Cherokee",
        _ => null,
    };

    /// <summary>The error to show when <paramref name="name"/> mixes letters of two of these scripts, else null.</summary>
    public static string? CheckSingleScript(string name)
    {
        string? first = null;
        foreach (var rune in name.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune) || Of(rune) is not { } script)
            {
                continue;
            }

            first ??= script;
            if (script != first)
            {
                return $"Names may not mix {first} and {script} letters (they look alike).";
            }
        }

        return null;
    }
}
