using Chat.Accounts;

namespace Consumers.Chat.Tests;

/// <summary>The look-alike rules on their own: skeletons (UTS #39 subset) and the one-look-alike-script rule.</summary>
[TestFixture]
public sealed class NameSkeletonTests
{
    [TestCase("alice", "\u0430lice", TestName = "Skeleton_CyrillicA")]
    [TestCase("alice", "\u0430\u04CF\u0456\u0441\u0435", TestName = "Skeleton_AllCyrillic")]
    [TestCase("alice", "al\u0131ce", TestName = "Skeleton_DotlessI")]
    [TestCase("alice", "alice\u0336", TestName = "Skeleton_CombiningStrokeOverlay")]
    [TestCase("alice", "al\u00EDce", TestName = "Skeleton_AccentedLetter")]
    [TestCase("alice", "ALICE", TestName = "Skeleton_Case")]
    [TestCase("alice", "\uFF41\uFF4C\uFF49\uFF43\uFF45", TestName = "Skeleton_FullWidth")]
    [TestCase("bob", "\u0412\u041E\u0412", TestName = "Skeleton_CyrillicCapitals")]
    [TestCase("paypal", "\u0440\u0430\u0443\u0440\u0430\u04CF", TestName = "Skeleton_CyrillicPaypal")]
    [TestCase("oslo", "\u03BF\u0455\u04CF\u03BF", TestName = "Skeleton_GreekAndCyrillic")]
    [TestCase("corn", "com", TestName = "Skeleton_RnAndM")]
    [TestCase("vvalt", "walt", TestName = "Skeleton_VvAndW")]
    [TestCase("clara", "dara", TestName = "Skeleton_ClAndD")]
    [TestCase("bill", "bi11", TestName = "Skeleton_DigitOne")]
    [TestCase("bo0k", "book", TestName = "Skeleton_DigitZero")]
    public void LookAlikes_HaveOneSkeleton(string original, string lookAlike)
        => Assert.That(NameSkeleton.Of(lookAlike), Is.EqualTo(NameSkeleton.Of(original)));

    [TestCase("alice", "alicia")]
    [TestCase("ann", "anna")]
    [TestCase("bob", "rob")]
    public void DifferentNames_HaveDifferentSkeletons(string one, string other)
        => Assert.That(NameSkeleton.Of(one), Is.Not.EqualTo(NameSkeleton.Of(other)));

    [Test]
    public void TextThatIsNoValidUtf16_HasASkeletonAnyway()
        => Assert.That(NameSkeleton.Of("a\uD800b"), Is.Not.Null);

    [TestCase("\u0430lice", "Cyrillic", TestName = "Scripts_LatinWithCyrillic_IsRefused")]
    [TestCase("\u03B1lice", "Greek", TestName = "Scripts_LatinWithGreek_IsRefused")]
    [TestCase("\u0561lice", "Armenian", TestName = "Scripts_LatinWithArmenian_IsRefused")]
    [TestCase("\u0430\u03B1", "Greek", TestName = "Scripts_CyrillicWithGreek_IsRefused")]
    public void MixedLookAlikeScripts_AreRefused(string name, string second)
        => Assert.That(NameScripts.CheckSingleScript(name), Does.Contain(second));

    [TestCase("alice")]
    [TestCase("\u0430\u043d\u043d\u0430")]
    [TestCase("bob\u674e")]
    [TestCase("ann-2_x")]
    [TestCase("\u00E9l\u00E8ve")]
    public void OneLookAlikeScript_IsAccepted(string name)
        => Assert.That(NameScripts.CheckSingleScript(name), Is.Null);
}
