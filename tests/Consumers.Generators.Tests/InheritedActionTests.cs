using Consumers.Generators.Diagnostics;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests;

/// <summary>
/// The inherited-actions policy: a base class's action is reported where it is declared, once; a concrete consumer
/// dispatches it when it is valid and reports only the type checks an abstract base left to it.
/// </summary>
[TestFixture]
public sealed class InheritedActionTests
{
    private const string Usings = """
        using System;
        using Consumers;

        namespace Chat;

        """;

    [Test]
    public void InvalidActionOfAnAbstractBase_IsReportedOnceInTheBase_AndNotDispatched()
    {
        var run = GeneratorHarness.Run(Usings + """
            public abstract class AuditedConsumer : Consumer
            {
                [Action]
                public static void Audit() { }
            }

            public partial class LobbyConsumer : AuditedConsumer
            {
                [Action]
                public void Ping() { }
            }
            """);
        var source = run.Source("Chat.LobbyConsumer.g.cs");
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.ActionMustNotBeStatic.Id }));
            Assert.That(TextUnder(run.GeneratorDiagnostics[0]), Is.EqualTo("static"), "on the base's own modifier");
            Assert.That(source, Does.Contain("\"ping\""));
            Assert.That(source, Does.Not.Contain("\"audit\""));
        });
    }

    [Test]
    public void InvalidActionOfAConcreteBaseConsumer_IsReportedOnceByTheBase()
    {
        var run = GeneratorHarness.Run(Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping(ref int count) { }
            }

            public partial class VipLobbyConsumer : LobbyConsumer
            {
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.ActionParameterByReference.Id }));
            Assert.That(TextUnder(run.GeneratorDiagnostics[0]), Is.EqualTo("ref int count"));
            Assert.That(run.Source("Chat.VipLobbyConsumer.g.cs"), Does.Not.Contain("\"ping\""));
        });
    }

    [Test]
    public void TypeCheckOfAnAbstractBaseWithAContext_IsReportedInTheBase_NotAgainOnEachConsumer()
    {
        var run = GeneratorHarness.Run(Usings + """
            public sealed record InviteDto(string Email);

            [JsonContext(typeof(ChatJson))]
            public abstract class InvitingConsumer : Consumer
            {
                [Action]
                public void Invite(InviteDto data) { }
            }

            public partial class LobbyConsumer : InvitingConsumer
            {
            }

            public partial class HallConsumer : InvitingConsumer
            {
            }
            """, TestSources.Dtos);
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.TypeMissingFromJsonContext.Id }));
            Assert.That(TextUnder(run.GeneratorDiagnostics[0]), Is.EqualTo("InviteDto"), "on the base's parameter type");
        });
    }

    [Test]
    public void TypeCheckLeftByAnAbstractBaseWithoutAContext_IsReportedOnEachConcreteConsumerName()
    {
        var run = GeneratorHarness.Run(Usings + """
            public sealed record InviteDto(string Email);

            public abstract class InvitingConsumer : Consumer
            {
                [Action]
                public void Invite(InviteDto data) { }
            }

            public partial class LobbyConsumer : InvitingConsumer
            {
            }

            public partial class HallConsumer : InvitingConsumer
            {
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { DiagnosticDescriptors.JsonContextMissing.Id, DiagnosticDescriptors.JsonContextMissing.Id }));
            Assert.That(run.GeneratorDiagnostics.Select(TextUnder), Is.EquivalentTo(new[] { "LobbyConsumer", "HallConsumer" }));
        });
    }

    private static string TextUnder(Diagnostic diagnostic)
        => diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
}
