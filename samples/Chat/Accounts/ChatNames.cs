using System.Globalization;
using System.Text;

namespace Chat.Accounts;

/// <summary>
/// User names as people see them: NFKC-normalized (so a full-width or ligature look-alike is the same name), trimmed,
/// 1-50 characters, free of control, format, invisible and zero-width characters, and without letters of two scripts
/// that look alike (<see cref="NameScripts"/>). Names that merely look like a taken one are refused by their skeleton
/// (<see cref="NameSkeleton"/>, Identity's normalized name).
/// </summary>
public static class ChatNames
{
    public const int MaxLength = 50;

    /// <summary>Normalizes <paramref name="input"/>; returns the error to show when it is no acceptable name.</summary>
    public static string? TryNormalize(string? input, out string name)
    {
        name = "";
        try
        {
            name = (input ?? "").Normalize(NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            return "The name is not valid text.";
        }

        if (name.Length is 0 or > MaxLength)
        {
            return $"Use 1-{MaxLength} characters.";
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsVisible(rune))
            {
                return "Names may not contain control, invisible or zero-width characters.";
            }
        }

        return NameScripts.CheckSingleScript(name);
    }

    private static bool IsVisible(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        UnicodeCategory.SpaceSeparator => rune.Value == ' ',
        _ => !IsDefaultIgnorable(rune.Value),
    };

    // Default-ignorable code points that are not in the Format category (Unicode's DerivedCoreProperties): fillers and
    // selectors that render as nothing.
    private static bool IsDefaultIgnorable(int c)
        => c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
            or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);
}
