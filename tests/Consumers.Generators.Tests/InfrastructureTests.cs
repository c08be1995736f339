using Consumers.Generators.Model;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Tests;

/// <summary>The test helpers fail when they should: a check that cannot fail proves nothing.</summary>
[TestFixture]
public sealed class InfrastructureTests
{
    private static readonly CSharpCompilation s_compilation = GeneratorHarness.CreateCompilation("class Sample { void M() { } }");

    private static IEnumerable<TestCaseData> BannedValues()
    {
        var tree = s_compilation.SyntaxTrees.Single();
        var root = tree.GetRoot();
        yield return new TestCaseData(s_compilation.GetTypeByMetadataName("Sample")!).SetArgDisplayNames("ISymbol");
        yield return new TestCaseData(root).SetArgDisplayNames("SyntaxNode");
        yield return new TestCaseData(tree).SetArgDisplayNames("SyntaxTree");
        yield return new TestCaseData(root.GetLocation()).SetArgDisplayNames("Location");
        yield return new TestCaseData(s_compilation).SetArgDisplayNames("Compilation");
        yield return new TestCaseData(s_compilation.GetSemanticModel(tree)).SetArgDisplayNames("SemanticModel");
        yield return new TestCaseData(root.GetFirstToken()).SetArgDisplayNames("SyntaxToken");
    }

    [TestCaseSource(nameof(BannedValues))]
    public void BannedTypeWalk_FindsABannedValue_InsideAnEquatableArrayOfRecords(object banned)
    {
        var model = new Holder("name", new[] { new Item("clean"), new Item(banned) }.ToEquatableArray());

        var found = BannedTypeWalker.FindBannedValues(model);

        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0], Does.StartWith("value.Items[1].Payload is "));
    }

    [TestCaseSource(nameof(BannedValues))]
    public void BannedTypeWalk_FindsABannedValue_InATupleOrAPrivateField(object banned)
    {
        Assert.That(BannedTypeWalker.FindBannedValues((1, "a", banned)), Is.Not.Empty, "tuple");
        Assert.That(BannedTypeWalker.FindBannedValues(new Hidden(banned)), Is.Not.Empty, "private field");
    }

    [Test]
    public void BannedTypeWalk_PassesAGeneratorModel()
    {
        var spec = new Result<DiagnosticInfo>(
            DiagnosticInfo.Create(Diagnostics.DiagnosticDescriptors.ActionMustNotBeStatic, LocationInfo.From(s_compilation.SyntaxTrees[0].GetRoot()), "M"),
            EquatableArray<DiagnosticInfo>.Empty);

        Assert.That(BannedTypeWalker.FindBannedValues(spec), Is.Empty);
    }

    [Test]
    public void Snapshot_Missing_FailsAndWritesReceived()
    {
        using var directory = new TempDirectory();

        var failure = Snapshot.Compare("text\n", directory.Path, "Sample", "txt", accept: false);

        Assert.That(failure, Does.Contain("does not exist"));
        Assert.That(File.ReadAllText(Path.Combine(directory.Path, "Sample.received.txt")), Is.EqualTo("text\n"));
    }

    [Test]
    public void Snapshot_Mismatch_FailsWithALineDiff()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "Sample.verified.cs"), "a\nb\nc\n");

        var failure = Snapshot.Compare("a\nB\nc\n", directory.Path, "Sample", "cs", accept: false);

        Assert.That(failure, Does.Contain("-    2: b").And.Contain("+    2: B"));
        Assert.That(File.Exists(Path.Combine(directory.Path, "Sample.received.cs")), Is.True);
    }

    [Test]
    public void Snapshot_Match_PassesAndRemovesAStaleReceivedFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "Sample.verified.cs"), "a\r\nb\n");
        File.WriteAllText(Path.Combine(directory.Path, "Sample.received.cs"), "old");

        Assert.That(Snapshot.Compare("a\nb\n", directory.Path, "Sample", "cs", accept: false), Is.Null);
        Assert.That(File.Exists(Path.Combine(directory.Path, "Sample.received.cs")), Is.False);
    }

    [Test]
    public void Snapshot_Accept_WritesTheVerifiedFile()
    {
        using var directory = new TempDirectory();

        Assert.That(Snapshot.Compare("new\n", directory.Path, "Sample", "cs", accept: true), Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(directory.Path, "Sample.verified.cs")), Is.EqualTo("new\n"));
    }

    [Test]
    public void Snapshot_Directory_IsInTheSourceTree()
        => Assert.That(Snapshot.Directory, Does.EndWith(Path.Combine("tests", "Consumers.Generators.Tests", "Snapshots")).And.Not.Contain(Path.Combine("bin", "")));

    [Test]
    public void Markup_GivesTheSpanAndStripsTheMarkers()
    {
        var markup = Markup.Parse("class C\n{\n    [|static|] void M() { }\n}");

        Assert.That(markup.Source, Does.Not.Contain("[|"));
        Assert.That(markup.Text, Is.EqualTo("static"));
        Assert.That(markup.LineSpan.Start.Line, Is.EqualTo(2));
        Assert.That(markup.LineSpan.Start.Character, Is.EqualTo(4));
    }

    private sealed record Item(object? Payload);

    private sealed record Holder(string Name, EquatableArray<Item> Items);

    private sealed class Hidden(object value)
    {
        private readonly object _value = value;

        public override string ToString() => _value.GetType().Name;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("consumers-snapshot-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
