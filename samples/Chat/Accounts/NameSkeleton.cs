using System.Globalization;
using System.Text;

namespace Chat.Accounts;

/// <summary>
/// The skeleton of a user name (after UTS #39 "Unicode Security Mechanisms", section 4, on a documented subset of its
/// confusables data): two names with the same skeleton look alike, and only one of them may exist. It is what Identity
/// stores as the normalized user name (<see cref="ChatLookupNormalizer"/>), so the database's unique index decides.
/// </summary>
/// <remarks>
/// Steps: NFKC (full-width and compatibility forms), NFD, every combining mark dropped (<c>alice̶</c>, <c>alicé</c> →
/// <c>alice</c>), capitals of Greek, Cyrillic and Armenian that look like Latin capitals mapped to them, lower case, then
/// the small letters and digits that look like Latin ones mapped to their Latin prototype (Cyrillic а е о р с у х і ј ѕ
/// ԁ ԛ ԝ һ ӏ, Greek ο ν ι ρ υ χ α κ η, Armenian օ ս ց հ ո զ, dotless ı, 0 → o, 1 and | → l), and the sequences UTS #39
/// folds the other way (<c>m</c> → <c>rn</c>, <c>w</c> → <c>vv</c>, <c>d</c> → <c>cl</c>). Names compare without case,
/// so the capital-I-against-small-l pair is left out (folding it would make <c>ALICE</c> and <c>alice</c> differ).
/// No registry package implements UTS #39's full skeleton (ICU's <c>uspoof</c> is not exposed to .NET): this subset
/// covers the letters of the scripts <see cref="NameScripts"/> watches.
/// </remarks>
public static class NameSkeleton
{
    private static readonly Dictionary<char, char> s_capitals = Map(
        "ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX " +
        "АA ВB ЕE КK МM НH ОO РP СC ТT ХX ЅS ІI ЈJ ԀD ԚQ ԜW ҮY " +
        "ՕO ՍU");

    private static readonly Dictionary<char, char> s_small = Map(
        "аa еe оo рp сc уy хx іi јj ѕs ԁd ԛq ԝw һh ӏl ѵv ɡg ɑa ıi ɩi ʏy " +
        "οo νv ιi ρp υu χx αa κk ηn ϲc ϳj τt " +
        "օo սu ցg հh ոn զq " +
        "0o 1l |l ǀl");

    /// <summary>The skeleton of <paramref name="name"/> (already NFKC-normalized or not; text that is not valid UTF-16 is taken as it is).</summary>
    public static string Of(string name)
    {
        string decomposed;
        try
        {
            decomposed = name.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            decomposed = name;
        }

        var skeleton = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(s_capitals.GetValueOrDefault(c, c));
            skeleton.Append(s_small.GetValueOrDefault(lower, lower));
        }

        return skeleton.Replace("m", "rn").Replace("w", "vv").Replace("d", "cl").ToString();
    }

    // "xy xy ...": x maps to y.
    private static Dictionary<char, char> Map(string pairs)
        => pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToDictionary(pair => pair[0], pair => pair[1]);
}
