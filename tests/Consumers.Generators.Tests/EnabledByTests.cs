using Consumers.Generators.Diagnostics;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests;

/// <summary>
/// [EnabledBy]: a base class's actions switched on and off by the consumer's flags property, read at compile time where
/// it is a constant; switched-off actions are neither dispatched nor described (contract, clients).
/// </summary>
[TestFixture]
public sealed class EnabledByTests
{
    private const string Base = """
        using System;
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        [Flags]
        public enum ArchiveActions { None = 0, Read = 1, Purge = 2, Export = 4, All = Read | Purge | Export }

        public abstract class ArchiveConsumer : Consumer
        {
            protected virtual ArchiveActions Enabled => ArchiveActions.All;

            [Action, EnabledBy(nameof(Enabled), ArchiveActions.Read)]
            public virtual int Read() => 1;

            [Action, EnabledBy(nameof(Enabled), ArchiveActions.Purge)]
            public ValueTask Purge() => ValueTask.CompletedTask;

            [Action, EnabledBy(nameof(Enabled), ArchiveActions.Export)]
            public string Export() => "";

            [Action]
            public void Ping() { }
        }

        """;

    private static string[] Actions(GeneratorRun run, string consumer)
    {
        var source = run.Source($"Chat.{consumer}.g.cs");
        return [.. new[] { "read", "purge", "export", "ping" }.Where(a => source.Contains($"\"{a}\"", StringComparison.Ordinal))];
    }

    [TestCase("=> ArchiveActions.Read;", TestName = "ExpressionBody")]
    [TestCase("{ get => ArchiveActions.Read; }", TestName = "GetterExpressionBody")]
    [TestCase("{ get { return ArchiveActions.Read; } }", TestName = "GetterReturningAConstant")]
    public void AConstantOverride_LeavesOutTheActionsWhoseFlagIsNotSet(string body)
    {
        var run = GeneratorHarness.Run(Base + $$"""
            public sealed partial class ReadOnlyArchive : ArchiveConsumer
            {
                protected override ArchiveActions Enabled {{body}}
            }
            """).AssertClean();
        Assert.That(Actions(run, "ReadOnlyArchive"), Is.EqualTo(new[] { "read", "ping" }));
    }

    [Test]
    public void SeveralFlags_AndTheBasesDefault_EachConsumerItsOwn()
    {
        var run = GeneratorHarness.Run(Base + """
            public sealed partial class FullArchive : ArchiveConsumer;

            public sealed partial class ExportingArchive : ArchiveConsumer
            {
                protected override ArchiveActions Enabled => ArchiveActions.Read | ArchiveActions.Export;
            }

            public abstract class QuietArchive : ArchiveConsumer
            {
                protected override ArchiveActions Enabled => ArchiveActions.None;
            }

            public sealed partial class SilentArchive : QuietArchive;
            """).AssertClean();
        Assert.Multiple(() =>
        {
            Assert.That(Actions(run, "FullArchive"), Is.EqualTo(new[] { "read", "purge", "export", "ping" }), "the base's own constant: All");
            Assert.That(Actions(run, "ExportingArchive"), Is.EqualTo(new[] { "read", "export", "ping" }));
            Assert.That(Actions(run, "SilentArchive"), Is.EqualTo(new[] { "ping" }), "the most derived declaration counts, in an abstract base too");
        });
    }

    [Test]
    public void AValueNotKnownAtCompileTime_KeepsEveryAction()
    {
        var run = GeneratorHarness.Run(Base + """
            public sealed partial class ConfiguredArchive(ArchiveActions enabled) : ArchiveConsumer
            {
                protected override ArchiveActions Enabled => enabled;
            }
            """).AssertClean();
        Assert.That(Actions(run, "ConfiguredArchive"), Is.EqualTo(new[] { "read", "purge", "export", "ping" }));
    }

    [Test]
    public void AnOverrideOfASwitchedOffAction_IsStillSwitchedOff()
    {
        var run = GeneratorHarness.Run(Base + """
            public sealed partial class TunedArchive : ArchiveConsumer
            {
                protected override ArchiveActions Enabled => ArchiveActions.Purge;

                public override int Read() => 2;
            }
            """).AssertClean();
        Assert.That(Actions(run, "TunedArchive"), Is.EqualTo(new[] { "purge", "ping" }));
    }

    [TestCase("\"Actions\"", "no such property", TestName = "MissingProperty_IsCONS0056")]
    [TestCase("nameof(Label)", "it is of type 'string'", TestName = "PropertyOfAnotherType_IsCONS0056")]
    public void ABadPropertyName_IsReportedOnce_AtTheAttribute(string property, string reason)
    {
        var run = GeneratorHarness.Run($$"""
            using Consumers;

            namespace Chat;

            public sealed partial class LabelConsumer : Consumer
            {
                private string Label => "x";

                [Action, EnabledBy({{property}}, 1)]
                public void First() { }

                [Action, EnabledBy({{property}}, 2)]
                public void Second() { }
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.EnabledByWithoutFlagsProperty.Id }));
            Assert.That(run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain(reason));
            Assert.That(TextUnder(run.GeneratorDiagnostics[0]), Does.StartWith("EnabledBy("));
            Assert.That(run.Source("Chat.LabelConsumer.g.cs"), Does.Contain("\"first\"").And.Contain("\"second\""), "what cannot be evaluated is kept");
        });
    }

    [Test]
    public void ABadPropertyName_OfAnInheritedAction_IsReportedOnTheConsumersName()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat;

            public abstract class BaseConsumer : Consumer
            {
                [Action, EnabledBy("Missing", 1)]
                public void First() { }
            }

            public sealed partial class LobbyConsumer : BaseConsumer;
            """);
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.EnabledByWithoutFlagsProperty.Id }));
            Assert.That(TextUnder(run.GeneratorDiagnostics[0]), Is.EqualTo("LobbyConsumer"));
        });
    }

    private static string TextUnder(Diagnostic diagnostic)
        => diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
}
