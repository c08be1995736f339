using Consumers.Groups;

namespace Consumers.Generators.Tests;

/// <summary>
/// The group-name rules and the template tokenizer as compiled into the generator (netstandard2.0); the runtime compiles
/// the same files, and these tests hold the generator's copy to the runtime's public <see cref="GroupName"/>.
/// </summary>
[TestFixture]
public sealed class GroupTemplateTokenizerTests
{
    [Test]
    public void GroupNameRules_AgreeWithTheRuntime_ForEveryChar()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            var name = "a" + c;
            if (GroupNameRules.IsValid(name) != GroupName.IsValid(name))
            {
                Assert.Fail($"U+{(int)c:X4}: the generator says {GroupNameRules.IsValid(name)}, the runtime {GroupName.IsValid(name)}");
            }
        }

        Assert.That(GroupNameRules.MaxLength, Is.EqualTo(GroupName.MaxLength));
        Assert.That(GroupNameRules.IsValid(new string('a', GroupName.MaxLength)), Is.True);
        Assert.That(GroupNameRules.IsValid(new string('a', GroupName.MaxLength + 1)), Is.False);
        Assert.That(GroupNameRules.IsValid(""), Is.False);
        Assert.That(GroupNameRules.IsValid(null), Is.False);
    }

    [TestCase("room:{RoomId}", "Literal:room: Placeholder:RoomId")]
    [TestCase("{A}:{B}.x", "Placeholder:A Literal:: Placeholder:B Literal:.x")]
    [TestCase("plain", "Literal:plain")]
    [TestCase("", "")]
    [TestCase("room }", "CloseWithoutOpen:")]
    [TestCase("a{B}c}", "Literal:a Placeholder:B CloseWithoutOpen:")]
    [TestCase("room}{Id}", "CloseBeforeOpen:")]
    [TestCase("room {RoomId", "Unclosed:")]
    [TestCase("a b{}", "Literal:a b EmptyOrNested:")]
    [TestCase("x{a{b}", "Literal:x EmptyOrNested:")]
    public void Tokenize_SplitsLiteralsAndPlaceholders_AndStopsAtTheFirstError(string template, string expected)
    {
        var tokens = GroupTemplateTokenizer.Tokenize(template).Select(token => $"{token.Kind}:{token.Text}");
        Assert.That(string.Join(" ", tokens), Is.EqualTo(expected));
    }
}
