using Consumers.CodeFixes;
using Consumers.Generators.Tests.Infrastructure;

namespace Consumers.Generators.Tests;

/// <summary>Each code fix applied to the diagnostic it fixes: the exact text it writes, and the diagnostic gone after it.</summary>
[TestFixture]
public sealed class CodeFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        """;

    // A DTO parameter the context named by [JsonContext] does not list.
    private const string InviteConsumer = Usings + """
        public sealed record InviteDto(string Email);

        [JsonContext(typeof(ChatJson))]
        public partial class LobbyConsumer : Consumer
        {
            [Action]
            public RoomDto Invite(InviteDto data) => new(1, "", new());
        }
        """;

    [Test]
    public async Task CONS0001_MakePartial_AddsPartialBeforeClass()
    {
        var result = await CodeFixHarness.ApplyAsync(new MakePartialCodeFix(), "CONS0001", null, Usings + """
            public sealed class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(result.Title, Is.EqualTo("Make 'LobbyConsumer' partial"));
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("\npublic sealed partial class LobbyConsumer : Consumer\n"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    [Test]
    public async Task CONS0001_MakePartial_OnAContainingTypeWithoutModifiers_KeepsItsIndentation()
    {
        var result = await CodeFixHarness.ApplyAsync(new MakePartialCodeFix(), "CONS0001", null, Usings + """
            class Rooms
            {
                public partial class LobbyConsumer : Consumer
                {
                    [Action]
                    public void Ping() { }
                }
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("\npartial class Rooms\n{"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    [Test]
    public async Task CONS0003_RemoveStatic_LeavesTheOtherModifiers()
    {
        var result = await CodeFixHarness.ApplyAsync(new RemoveStaticCodeFix(), "CONS0003", null, Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public static int Echo(int value) => value;

                [Action]
                static int Twice(int value) => 2 * value;
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(result.Title, Is.EqualTo("Remove 'static'"));
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("\n    public int Echo(int value) => value;\n"));
            Assert.That(result.After.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "CONS0003" }), "the other action is a diagnostic of its own");
        });
    }

    [Test]
    public async Task CONS0003_RemoveStatic_AsTheOnlyModifier_KeepsTheIndentation()
    {
        var result = await CodeFixHarness.ApplyAsync(new RemoveStaticCodeFix(), "CONS0003", null, Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                static int Twice(int value) => 2 * value;
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("\n    [Action]\n    int Twice(int value) => 2 * value;\n"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    [Test]
    public async Task CONS0013_AddJsonSerializable_AddsTheParameterTypeToTheNamedContext_InItsOwnFile()
    {
        var result = await CodeFixHarness.ApplyAsync(new AddJsonSerializableCodeFix(), "CONS0013", null, InviteConsumer, TestSources.Dtos);
        Assert.Multiple(() =>
        {
            Assert.That(result.Title, Is.EqualTo("Add [JsonSerializable(typeof(Chat.InviteDto))] to 'ChatJson'"));
            Assert.That(result.Documents["Source1.cs"], Does.Contain("""
                [JsonSerializable(typeof(CreateRoomDto))]
                [JsonSerializable(typeof(InviteDto))]
                public partial class ChatJson : JsonSerializerContext
                """.ReplaceLineEndings("\n")));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    [Test]
    public async Task CONS0013_AddJsonSerializable_UnwrapsATaskOfActionResult()
    {
        var result = await CodeFixHarness.ApplyAsync(new AddJsonSerializableCodeFix(), "CONS0013", null, Usings + """
            public sealed record InviteDto(string Email);

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public Task<ActionResult<InviteDto?>> Invite() => Task.FromResult<ActionResult<InviteDto?>>(null!);
            }
            """, TestSources.Dtos);
        Assert.Multiple(() =>
        {
            Assert.That(result.Documents["Source1.cs"], Does.Contain("[JsonSerializable(typeof(InviteDto))]\npublic partial class ChatJson"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    [Test]
    public async Task CONS0055_AddJsonSerializable_WhereReflectionIsAllowed_AddsTheTypeToo()
    {
        var result = await CodeFixHarness.ApplyAsync(new AddJsonSerializableCodeFix(), "CONS0055", BuildProperties.PlainApp(), InviteConsumer, TestSources.Dtos);
        Assert.Multiple(() =>
        {
            Assert.That(result.Documents["Source1.cs"], Does.Contain("[JsonSerializable(typeof(InviteDto))]\npublic partial class ChatJson"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    // A consumer whose observer of Message (Id, RoomId, Topic) has the group template given.
    private static string ObserverWithTemplate(string template) => Usings + $$"""
            public sealed class Message
            {
                public int Id { get; set; }
                public int RoomId { get; set; }
                public string? Topic { get; set; }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "{{template}}")]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """;

    [TestCase("room:{RoomID}", "room:{RoomId}")]
    [TestCase("room:{Roomid}.{Topik}", "room:{RoomId}.{Topic}")]
    [TestCase("room:{RomId}.{Id}", "room:{RoomId}.{Id}")]
    public async Task CONS0031_GroupTemplate_UsesTheClosestMemberName(string template, string fixedTemplate)
    {
        var result = await CodeFixHarness.ApplyAsync(new GroupTemplateMemberCodeFix(), "CONS0031", null, ObserverWithTemplate(template), TestSources.Dtos);
        Assert.Multiple(() =>
        {
            Assert.That(result.Title, Is.EqualTo($"Use \"{fixedTemplate}\""));
            Assert.That(result.Documents["Consumer.cs"], Does.Contain($"[ModelObserver<Message>(Group = \"{fixedTemplate}\")]"));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }

    // The message and the fix share NearestName: the member the message suggests is the one the fix writes.
    [TestCase("room:{RoomID}", "{RoomId}")]
    [TestCase("room:{Roomid}.{Topik}", "{RoomId}")]
    [TestCase("room:{RomId}.{Id}", "{RoomId}")]
    public void CONS0031_Message_NamesTheMemberTheFixWrites(string template, string suggested)
    {
        var run = GeneratorHarness.Run(ObserverWithTemplate(template), TestSources.Dtos);

        Assert.That(run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(new[] { $"The group template \"{template}\" of observer 'Activity' names '{template.Split('{', '}')[1]}', which is not a public instance property or field of 'Message': did you mean {suggested}?" }));
    }

    [TestCase(false, "CONS0012")]
    [TestCase(true, "CONS0055")]
    public async Task CONS0012_CreateJsonContext_AddsAContextForTheTypeBesideTheConsumer_AndNamesIt(bool plainApp, string id)
    {
        var result = await CodeFixHarness.ApplyAsync(new CreateJsonContextCodeFix(), id, plainApp ? BuildProperties.PlainApp() : null, Usings + """
            public sealed record CreateRoom(string Name);

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public int Create(CreateRoom data) => 1;
            }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(result.Title, Is.EqualTo("Create 'LobbyConsumerJson' for Chat.CreateRoom and name it with [JsonContext]"));
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("""
                [JsonContext(typeof(LobbyConsumerJson))]
                public partial class LobbyConsumer : Consumer
                """.ReplaceLineEndings("\n")));
            Assert.That(result.Documents["Consumer.cs"], Does.Contain("""
                [System.Text.Json.Serialization.JsonSerializable(typeof(CreateRoom))]
                internal sealed partial class LobbyConsumerJson : System.Text.Json.Serialization.JsonSerializerContext
                """.ReplaceLineEndings("\n")));
            Assert.That(result.After.GeneratorDiagnostics, Is.Empty);
        });
    }
}
