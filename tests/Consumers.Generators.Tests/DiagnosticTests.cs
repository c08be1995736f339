using System.Runtime.CompilerServices;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests;

/// <summary>
/// One test per diagnostic: the ID, the exact span it points at (marked <c>[|...|]</c> in the source), and a
/// snapshot of the full diagnostic text. Each also checks the generator emitted nothing that fails to compile
/// beside its diagnostic.
/// </summary>
[TestFixture]
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        """;

    [Test]
    public void CONS0001_ConsumerNotPartial_IsReportedOnTheClassName()
        => AssertDiagnostic("CONS0001", Usings + """
            public class [|LobbyConsumer|] : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0001_OuterClassOfANestedConsumerNotPartial_IsReportedOnTheOuterClassName()
        => AssertDiagnostic("CONS0001", Usings + """
            public static class [|Rooms|]
            {
                public partial class LobbyConsumer : Consumer
                {
                }
            }
            """);

    [Test]
    public void CONS0002_ActionOutsideAConsumer_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0002", Usings + """
            public class RoomService
            {
                [Action]
                public void [|Ping|]() { }
            }
            """);

    [Test]
    public void CONS0003_StaticAction_IsReportedOnTheStaticKeyword()
        => AssertDiagnostic("CONS0003", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|static|] void Ping() { }
            }
            """);

    [Test]
    public void CONS0004_GenericAction_IsReportedOnTheTypeParameterList()
        => AssertDiagnostic("CONS0004", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public int Count[|<T>|]() => 0;
            }
            """);

    [Test]
    public void CONS0005_AbstractAction_IsReportedOnTheAbstractKeyword()
        => AssertDiagnostic("CONS0005", Usings + """
            public abstract class AuditedConsumer : Consumer
            {
                [Action]
                public [|abstract|] void Audit();
            }
            """);

    [Test]
    public void CONS0006_RefParameter_IsReportedOnTheParameter()
        => AssertDiagnostic("CONS0006", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Add(int amount, [|ref int total|]) { }
            }
            """);

    [Test]
    public void CONS0006_OutParameter_IsReportedOnTheParameter()
        => AssertDiagnostic("CONS0006", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void TryGet([|out string value|]) => value = "";
            }
            """);

    [Test]
    public void CONS0007_AsyncVoidAction_IsReportedOnTheAsyncKeyword()
        => AssertDiagnostic("CONS0007", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|async|] void Ping() => await Task.Yield();
            }
            """);

    [Test]
    public void CONS0008_TaskOfTask_IsReportedOnTheReturnType()
        => AssertDiagnostic("CONS0008", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|Task<Task<int>>|] Nested() => Task.FromResult(Task.FromResult(1));
            }
            """);

    [Test]
    public void CONS0008_AsyncEnumerableInATask_IsReportedOnTheReturnType()
        => AssertDiagnostic("CONS0008", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|Task<IAsyncEnumerable<int>>|] Stream() => Task.FromResult(Numbers());

                private static async IAsyncEnumerable<int> Numbers()
                {
                    await Task.Yield();
                    yield return 1;
                }
            }
            """);

    [Test]
    public void CONS0009_DuplicateWireName_IsReportedOnTheSecondMethodName()
        => AssertDiagnostic("CONS0009", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void JoinRoom() { }

                [Action("join_room")]
                public void [|Enter|]() { }
            }
            """);

    [Test]
    public void CONS0010_ParameterNamedRequestId_IsReportedOnTheParameterName()
        => AssertDiagnostic("CONS0010", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Join(int roomId, string [|requestId|]) { }
            }
            """);

    [Test]
    public void CONS0010_ParameterNamedAction_IsReportedOnTheParameterName()
        => AssertDiagnostic("CONS0010", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Log(string [|action|]) { }
            }
            """);

    [Test]
    public void CONS0011_TypeParameter_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0011", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Inspect([|System.Type|] type) { }
            }
            """);

    // On .NET 7 and later System.IntPtr is displayed as 'nint': the check compares the special type, not the name.
    [Test]
    public void CONS0011_IntPtrParameter_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0011", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Attach([|IntPtr|] handle) { }
            }
            """);

    [Test]
    public void CONS0011_DelegateResult_IsReportedOnTheReturnType()
        => AssertDiagnostic("CONS0011", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|Func<int>|] Later() => () => 1;
            }
            """);

    [Test]
    public void CONS0012_DtoWithoutJsonContext_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0012", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Create([|CreateRoomDto|] data) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0012_DtoResultWithoutJsonContext_IsReportedOnTheReturnType()
        => AssertDiagnostic("CONS0012", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public [|Task<RoomDto>|] GetAsync(int pk) => Task.FromResult(new RoomDto(pk, "", new()));
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0012_InheritedDtoActionWithoutAnyContext_IsReportedOnTheConcreteConsumerName()
        => AssertDiagnostic("CONS0012", Usings + """
            public abstract class RoomsBase : Consumer
            {
                [Action]
                public void Create(CreateRoomDto data) { }
            }

            public partial class [|RoomsConsumer|] : RoomsBase
            {
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0011_GenericBaseClosedWithADelegate_IsReportedOnTheConcreteConsumerName()
        => AssertDiagnostic("CONS0011", Usings + """
            public abstract class KeyedConsumer<TKey> : Consumer
            {
                [Action]
                public void Echo(TKey key) { }
            }

            public partial class [|CallbackConsumer|] : KeyedConsumer<Action>
            {
            }
            """);

    [Test]
    public void CONS0013_DtoMissingFromTheJsonContext_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0013", Usings + """
            public sealed record InviteDto(string Email);

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                // RoomDto and the MemberDto it holds are reachable from ChatJson; InviteDto is not.
                [Action]
                public RoomDto Invite(MemberDto member, [|InviteDto|] data) => new(1, "", new());
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0013_ConcreteServiceClassParameter_AlsoSuggestsFromServices()
        => AssertDiagnostic("CONS0013", Usings + """
            public sealed class OrderService
            {
                public OrderService(IServiceProvider services) { }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Order([|OrderService|] orders) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0012_ConcreteClassWithoutAParameterlessConstructor_AlsoSuggestsFromServices()
        => AssertDiagnostic("CONS0012", Usings + """
            public sealed class Mailer(string host)
            {
                public string Host => host;
            }

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Invite([|Mailer|] mailer) { }
            }
            """);

    [Test]
    public void CONS0055_ServiceLikeClassParameter_WhereReflectionIsAllowed_AlsoSuggestsFromServices()
        => AssertDiagnostic("CONS0055", Usings + """
            public sealed class RoomRepository
            {
            }

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Open([|RoomRepository|] rooms) { }
            }
            """, build: BuildProperties.PlainApp());

    [TestCase("public sealed class InviteForm { public string Email { get; set; } = \"\"; }", "InviteForm")]
    [TestCase("public sealed record InviteForm(string Email);", "InviteForm")]
    [TestCase("public sealed class InviteForm { public string Email { get; set; } = \"\"; }", "InviteForm[]")]
    public void CONS0012_ForADtoOrAResult_DoesNotSuggestFromServices(string declaration, string parameterType)
    {
        var run = GeneratorHarness.Run(Usings + declaration + $$"""

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public InviteForm Invite({{parameterType}} form) => throw null!;
            }
            """);
        Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Has.All.EqualTo("CONS0012").And.Not.Empty);
        Assert.That(run.GeneratorDiagnostics.Select(d => d.GetMessage()), Has.None.Contains("FromServices"));
    }

    [Test]
    public void CONS0055_ATypeUsedByManyActionsAndConsumers_IsReportedOnceAtItsFirstUse_WhileCONS0012IsOnEachUse()
    {
        var source = Usings + """
            public sealed record CreateRoom(string Name);

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Create(CreateRoom data) { }

                [Action]
                public void Preview(CreateRoom data) { }
            }

            public partial class HallConsumer : Consumer
            {
                [Action]
                public CreateRoom Echo(CreateRoom data) => data;
            }
            """;
        var plain = GeneratorHarness.Run(BuildProperties.PlainApp(), source);
        var aot = GeneratorHarness.Run(source);
        Assert.Multiple(() =>
        {
            Assert.That(plain.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "CONS0055" }));
            Assert.That(plain.GeneratorDiagnostics[0].Location.GetLineSpan().StartLinePosition.Line, Is.EqualTo(11), "the first use: Create's parameter");
            Assert.That(aot.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(Enumerable.Repeat("CONS0012", 4)));
        });
    }

    [Test]
    public void CONS0055_DtoWithoutJsonContext_WhereReflectionIsAllowed_IsAWarningOnTheParameterType()
        => AssertDiagnostic("CONS0055", Usings + """
            public sealed record CreateRoom(string Name);

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public int Create([|CreateRoom|] data) => 1;
            }
            """, build: BuildProperties.PlainApp());

    [Test]
    public void CONS0055_DtoMissingFromTheJsonContext_WhereReflectionIsAllowed_IsAWarningOnTheParameterType()
        => AssertDiagnostic("CONS0055", Usings + """
            public sealed record InviteDto(string Email);

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public RoomDto Invite([|InviteDto|] data) => new(1, "", new());
            }
            """, TestSources.Dtos, build: BuildProperties.PlainApp());

    [Test]
    public void CONS0055_ReceiveMessageWithoutAJsonContext_WhereReflectionIsAllowed_IsAWarningOnTheParameterType()
        => AssertDiagnostic("CONS0055", Usings + """
            public sealed record ChatIn(string Message);

            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage([|ChatIn|] message) => Task.CompletedTask;
            }
            """, build: BuildProperties.PlainApp());

    [TestCase("PublishAot", "true")]
    [TestCase("PublishTrimmed", "true")]
    [TestCase("IsAotCompatible", "true")]
    [TestCase("IsTrimmable", "True")]
    [TestCase("JsonSerializerIsReflectionEnabledByDefault", "false")]
    public void CONS0012_DtoWithoutJsonContext_InAnAotOrTrimmedBuild_StaysAnError(string property, string value)
        => AssertDiagnostic("CONS0012", Usings + """
            public sealed record CreateRoom(string Name);

            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public int Create([|CreateRoom|] data) => 1;
            }
            """, build: BuildProperties.PlainApp((property, value)), name: nameof(CONS0012_DtoWithoutJsonContext_InAnAotOrTrimmedBuild_StaysAnError));

    [Test]
    public void CONS0014_JsonContextNotAJsonSerializerContext_IsReportedOnTheAttribute()
        => AssertDiagnostic("CONS0014", Usings + """
            [[|JsonContext(typeof(string))|]]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0015_ActionNameWithWhitespace_IsReportedOnTheNameArgument()
        => AssertDiagnostic("CONS0015", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action([|"join room"|])]
                public void Join() { }
            }
            """);

    [Test]
    public void CONS0015_ActionNameStartingWithDollar_IsReservedForControlActions()
        => AssertDiagnostic("CONS0015", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action([|"$cancel"|])]
                public void Cancel() { }
            }
            """);

    [Test]
    public void CONS0020_ConcurrentActionAssigningAField_IsReportedOnTheAssignedMember()
        => AssertDiagnostic("CONS0020", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                private int _calls;

                [Action(Concurrent = true)]
                public async Task<int> Count()
                {
                    var local = 0;
                    local++;
                    await Task.Yield();
                    [|_calls|]++;
                    return local;
                }
            }
            """);

    [Test]
    public void CONS0020_StreamAssigningAProperty_IsReportedOnTheAssignedMember()
        => AssertDiagnostic("CONS0020", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                public string Last { get; set; } = "";

                [Action]
                public async IAsyncEnumerable<string> Words(string text)
                {
                    foreach (var word in text.Split(' '))
                    {
                        await Task.Yield();
                        [|this.Last|] = word;
                        yield return word;
                    }
                }
            }
            """);

    [Test]
    public void CONS0020_IsNotReported_ForOrderedActionsOrLocalsAndParametersNamedLikeFields()
    {
        var result = GeneratorHarness.Run(Usings + """
            public partial class LobbyConsumer : Consumer
            {
                private int _calls;
                private int count;

                [Action]
                public int Ordered() => ++_calls;

                [Action(Concurrent = true)]
                public async Task<int> Concurrent(int count)
                {
                    count++;
                    var _calls = 1;
                    _calls += 1;
                    await Task.Yield();
                    return count + _calls + this.count;
                }
            }
            """);
        Assert.That(result.GeneratorDiagnostics.Select(d => d.Id), Has.None.EqualTo("CONS0020"));
    }

    [Test]
    public void CONS0015_EmptyActionName_IsReportedOnTheNameArgument()
        => AssertDiagnostic("CONS0015", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action([|""|])]
                public void Join() { }
            }
            """);

    [Test]
    public void CONS0016_NoPublicConstructor_IsReportedOnTheClassName()
        => AssertDiagnostic("CONS0016", Usings + """
            public partial class [|LobbyConsumer|] : Consumer
            {
                private LobbyConsumer() { }

                [Action]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0017_GenericConcreteConsumer_IsReportedOnTheClassName()
        => AssertDiagnostic("CONS0017", Usings + """
            public partial class [|LobbyConsumer|]<TRoom> : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0056_EnabledByNamingNoFlagsProperty_IsReportedAtTheAttribute()
        => AssertDiagnostic("CONS0056", Usings + """
            public partial class ArchiveConsumer : Consumer
            {
                protected virtual int Enabled => 1;

                [Action, [|EnabledBy("Actions", 2)|]]
                public void Purge() { }
            }
            """);

    [Test]
    public void CONS0018_PrivateInheritedAction_IsReportedOnTheConcreteConsumerName()
        => AssertDiagnostic("CONS0018", Usings + """
            public abstract class AuditedConsumer : Consumer
            {
                [Action]
                private void Audit() { }
            }

            public partial class [|LobbyConsumer|] : AuditedConsumer
            {
            }
            """);

    private const string Model = """

        public sealed class Message
        {
            public int Id { get; set; }
            public int RoomId { get; set; }
            public string? Topic { get; set; }
            public double Score { get; set; }
        }
        """;

    [Test]
    public void CONS0030_ObserverThatIsNotStatic_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0030", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}")]
                private RoomDto [|Activity|](Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0030_ObserverWithTheWrongParameter_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0030", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>]
                private static RoomDto [|Activity|](string message) => new(1, message, new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0031_GroupTemplateNamingAnUnknownMember_IsReportedOnTheGroupArgument()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "room:{RoomID}"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0031_MisspeltMember_NamesTheNearMissInTheMessage()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "room:{RomId}"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0031_MemberFarFromEveryName_ListsTheMembers()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "board:{Whiteboard}"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    // The rejected observer's subscribe methods are still declared: the build's only error is CONS0031, no CS0103 at
    // the calls (AssertDiagnostic fails on any compiler error).
    [Test]
    public void CONS0031_CallsOfTheRejectedObserversSubscribeMethods_AddNoCompilerError()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "room:{RoomID}"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                [Action]
                public async Task Join(int pk, RequestContext request, System.Threading.CancellationToken cancellationToken)
                {
                    await SubscribeActivityAsync(pk, request, cancellationToken);
                    await UnsubscribeActivityAsync(pk, request);
                }
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0031_CallsOfTheRejectedSubscribeMethodsOfSeveralTemplates_ByTheirNearMisses_AddNoCompilerError()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Groups = new[] { "room:{Roomid}", "topic:{Topic}" }|])]
                private static RoomDto Feed(Message message) => new(message.Id, "", new());

                [Action]
                public async Task Join(int pk, string topic, RequestContext request)
                {
                    await SubscribeFeedByRoomIdAsync(pk, request);
                    await SubscribeFeedByTopicAsync(topic, request);
                }
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0032_GroupTemplateMemberOfAnUnsupportedType_IsReportedOnTheGroupArgument()
        => AssertDiagnostic("CONS0032", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "score:{Score}"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0033_MalformedGroupTemplate_IsReportedOnTheGroupArgument()
        => AssertDiagnostic("CONS0033", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Group = "room {RoomId"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0034_ObserverHandlerWithTheWrongSignature_IsReportedOnTheHandlerArgument()
        => AssertDiagnostic("CONS0034", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}", [|Handler = nameof(OnActivity)|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private void OnActivity(RoomDto data) { }
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0045_GroupAndGroups_IsReportedOnTheGroupsArgument()
        => AssertDiagnostic("CONS0045", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}", [|Groups = new[] { "topic:{Topic}" }|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0045_GroupsAndGroupsMethod_IsReportedOnTheGroupsMethodArgument()
        => AssertDiagnostic("CONS0045", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Groups = new[] { "topic:{Topic}" }, [|GroupsMethod = nameof(KeysOf)|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private static IEnumerable<string> KeysOf(Message message) => new[] { "a" };
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0046_EmptyGroups_IsReportedOnTheGroupsArgument()
        => AssertDiagnostic("CONS0046", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Groups = new string[] { }|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0047_TwoTemplatesWithTheSamePlaceholders_AreReportedOnTheGroupsArgument()
        => AssertDiagnostic("CONS0047", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Groups = new[] { "room:{RoomId}", "archive:{RoomId}" }|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0031_UnknownMemberInTheSecondOfSeveralTemplates_IsReportedOnTheGroupsArgument()
        => AssertDiagnostic("CONS0031", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|Groups = new[] { "room:{RoomId}", "user:{AuthorId}" }|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0048_GroupsMethodNamingNoMethod_IsReportedOnTheGroupsMethodArgument()
        => AssertDiagnostic("CONS0048", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|GroupsMethod = "KeysOf"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0048_GroupsMethodMisspelt_NamesTheNearMiss()
        => AssertDiagnostic("CONS0048", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|GroupsMethod = "KeyOf"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private static IEnumerable<string> KeysOf(Message message) => new[] { "a" };
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0034_ObserverHandlerMisspelt_NamesTheNearMiss()
        => AssertDiagnostic("CONS0034", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}", [|Handler = "OnActivty"|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private ValueTask OnActivity(RoomDto data, ModelAction action, IReadOnlyList<System.Text.Json.JsonElement> requestIds) => default;
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0049_GroupsMethodThatIsNotStatic_IsReportedOnTheGroupsMethodArgument()
        => AssertDiagnostic("CONS0049", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|GroupsMethod = nameof(KeysOf)|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private IEnumerable<string> KeysOf(Message message) => new[] { "a" };
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0049_GroupsMethodWithTheWrongParameter_IsReportedOnTheGroupsMethodArgument()
        => AssertDiagnostic("CONS0049", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|GroupsMethod = nameof(KeysOf)|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private static IEnumerable<string> KeysOf(int roomId) => new[] { "a" };
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0049_GroupsMethodReturningNoStrings_IsReportedOnTheGroupsMethodArgument()
        => AssertDiagnostic("CONS0049", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [ModelObserver<Message>([|GroupsMethod = nameof(KeysOf)|])]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private static IEnumerable<int> KeysOf(Message message) => new[] { message.RoomId };
            }
            """ + Model, TestSources.Dtos);

    [Test]
    public void CONS0050_StaticGroupEventHandler_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0050", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private static Task [|OnRoom|](RoomDto e) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0050_GroupEventHandlerWithTwoParameters_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0050", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private Task [|OnRoom|](RoomDto e, int extra) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0050_GroupEventHandlerReturningAValue_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0050", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private int [|OnRoom|](RoomDto e) => 1;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0050_GroupEventHandlerTakingAString_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0050", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private void [|OnText|](string e) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0050_GroupEventHandlerTakingAGenericType_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0050", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private void [|OnRooms|](List<RoomDto> e) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0051_TwoHandlersForOneEventType_AreReportedOnTheSecondMethodName()
        => AssertDiagnostic("CONS0051", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private void OnRoom(RoomDto e) { }

                [GroupEvent]
                private ValueTask [|OnRoomAgain|](RoomDto e) => default;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0013_GroupEventTypeMissingFromTheJsonContext_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0013", Usings + """
            public sealed record InviteDto(string Email);

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [GroupEvent]
                private void OnInvite([|InviteDto|] e) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0052_GroupEventHandlerOutsideAConsumer_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0052", Usings + """
            public class RoomService
            {
                [GroupEvent]
                public void [|OnRoom|](RoomDto e) { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0070_EventNameStartingWithDollar_IsReportedOnTheName()
        => AssertDiagnostic("CONS0070", Usings + """
            [ConsumerEvent([|"$line"|])]
            public sealed record Line(string Text);
            """);

    [Test]
    public void CONS0070_PrivateNestedEventType_IsReportedOnTheTypeName()
        => AssertDiagnostic("CONS0070", Usings + """
            public static class Rooms
            {
                [ConsumerEvent]
                private sealed record [|Line|](string Text);
            }
            """);

    [Test]
    public void CONS0070_GenericEventType_IsReportedOnTheTypeName()
        => AssertDiagnostic("CONS0070", Usings + """
            [ConsumerEvent("line")]
            public sealed record [|Line|]<T>(T Value);
            """);

    [Test]
    public void CONS0071_PushedTypeWithoutConsumerEvent_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0071", Usings + """
            [JsonContext(typeof(PushJson))]
            [Pushes([|typeof(Notice)|])]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """, TestSources.Events);

    [Test]
    public void CONS0072_TwoPushedEventsWithOneName_AreReportedOnTheSecondTypeofArgument()
        => AssertDiagnostic("CONS0072", Usings + """
            [ConsumerEvent("chat_line")]
            public sealed record OtherLine(string Text);

            [JsonContext(typeof(PushJson))]
            [Pushes(typeof(ChatLine))]
            [Pushes([|typeof(OtherLine)|])]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """, TestSources.Events);

    [Test]
    public void CONS0073_EventNamedAsAnAction_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0073", Usings + """
            [JsonContext(typeof(PushJson))]
            [Pushes([|typeof(ChatLine)|])]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void ChatLine(string text) { }
            }
            """, TestSources.Events);

    [Test]
    public void CONS0074_TypedSendOfATypeTheConsumerDoesNotPush_IsAWarningOnTheMethodName()
        => AssertDiagnostic("CONS0074", Usings + """
            [JsonContext(typeof(PushJson))]
            [Pushes(typeof(ChatLine))]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public async Task Say(string text)
                {
                    await SendToGroupAsync("lobby", new ChatLine("me", text), PushJson.Default.ChatLine);
                    Send(new ChatLine("me", text), PushJson.Default.ChatLine);
                    await [|SendToGroupAsync|]("lobby", new Notice(text), PushJson.Default.Notice);
                }
            }
            """, TestSources.Events);

    [Test]
    public void CONS0013_PushedEventMissingFromTheJsonContext_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0013", Usings + """
            [ConsumerEvent]
            public sealed record Typing(string User);

            [JsonContext(typeof(PushJson))]
            [Pushes([|typeof(Typing)|])]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }
            """, TestSources.Events);

    [Test]
    public void TypedSends_FromAConsumerThatDeclaresNoPushes_AreNotReported()
    {
        var run = GeneratorHarness.Run(Usings + """
            [JsonContext(typeof(PushJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public async Task Say(string text)
                {
                    await SendToGroupAsync("lobby", new Notice(text), PushJson.Default.Notice);
                    await SendToGroupAsync("lobby", new ChatLine("me", text), PushJson.Default.ChatLine);
                }
            }
            """, TestSources.Events);

        Assert.That(run.GeneratorDiagnostics, Is.Empty, DiagnosticText.Format(run.GeneratorDiagnostics));
        Assert.That(run.CompilationProblems.Select(DiagnosticText.Format), Is.Empty);
    }

    [Test]
    public void CONS0019_PermissionTypeThatIsNotAPermission_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0019", Usings + """
            public sealed class RoomService { }

            public partial class LobbyConsumer : Consumer
            {
                [Action, Consumers.Security.Permission(typeof(Consumers.Security.IsAuthenticated), [|typeof(RoomService)|])]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0019_OnTheConsumerClass_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0019", Usings + """
            [Consumers.Security.Permission([|typeof(string)|])]
            public partial class LobbyConsumer : Consumer
            {
            }
            """);

    [Test]
    public void CONS0060_FilterTypeThatIsNotAFilter_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0060", Usings + """
            public sealed class RoomService { }

            public partial class LobbyConsumer : Consumer
            {
                [Action, ConsumerFilter([|typeof(RoomService)|])]
                public void Ping() { }
            }
            """);

    [Test]
    public void CONS0060_OnTheConsumerClass_IsReportedOnTheTypeofArgument()
        => AssertDiagnostic("CONS0060", Usings + """
            [ConsumerFilter([|typeof(string)|])]
            public partial class LobbyConsumer : Consumer
            {
            }
            """);

    [Test]
    public void CONS0040_ReceiveHandlerBesideAnAction_IsReportedOnTheHandlerName()
        => AssertDiagnostic("CONS0040", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task [|OnMessage|](CreateRoomDto message) => Task.CompletedTask;

                [Action]
                public void Ping() { }
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0040_ReceiveHandlerOnAConsumerInheritingActions_IsReportedOnTheHandlerName()
        => AssertDiagnostic("CONS0040", Usings + """
            public abstract partial class PingingConsumer : Consumer
            {
                [Action]
                public void Ping() { }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : PingingConsumer
            {
                [Receive]
                public Task [|OnMessage|](CreateRoomDto message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0041_SecondReceiveHandler_IsReportedOnItsName()
        => AssertDiagnostic("CONS0041", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage(CreateRoomDto message) => Task.CompletedTask;

                [Receive]
                public Task [|OnOtherMessage|](RoomDto message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0042_ReceiveHandlerReturningAValue_IsReportedOnTheReturnType()
        => AssertDiagnostic("CONS0042", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public [|Task<RoomDto>|] OnMessage(CreateRoomDto message) => Task.FromResult(new RoomDto(1, message.Name, new()));
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0042_ReceiveHandlerWithTwoMessageParameters_IsReportedOnTheParameterList()
        => AssertDiagnostic("CONS0042", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage[|(CreateRoomDto message, RoomDto other)|] => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0042_ReceiveHandlerOfAString_IsReportedOnTheParameter()
        => AssertDiagnostic("CONS0042", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage([|string message|]) => Task.CompletedTask;
            }
            """);

    [Test]
    public void CONS0042_StaticReceiveHandler_IsReportedOnTheStaticKeyword()
        => AssertDiagnostic("CONS0042", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public [|static|] Task OnMessage(CreateRoomDto message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0042_AuthorizeOnTheReceiveHandler_IsReportedOnTheAttribute()
        => AssertDiagnostic("CONS0042", Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive, [|Microsoft.AspNetCore.Authorization.Authorize|]]
                public Task OnMessage(CreateRoomDto message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0043_ReceiveMessageWithoutAJsonContext_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0043", Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage([|CreateRoomDto|] message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0043_ReceiveMessageMissingFromTheJsonContext_IsReportedOnTheParameterType()
        => AssertDiagnostic("CONS0043", Usings + """
            public sealed record ChatIn(string Message);

            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                [Receive]
                public Task OnMessage([|ChatIn|] message) => Task.CompletedTask;
            }
            """, TestSources.Dtos);

    [Test]
    public void CONS0044_ReceiveOutsideAConsumer_IsReportedOnTheMethodName()
        => AssertDiagnostic("CONS0044", Usings + """
            public class RoomService
            {
                [Receive]
                public Task [|OnMessage|](string message) => Task.CompletedTask;
            }
            """);

    public void EveryHelpLink_IsAnAbsoluteHttpsUrlUnderTheRepositoryUrl_AndItsPageExists()
    {
        var root = RepositoryRoot();
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(root, "Directory.Build.props"));
        var repositoryUrl = props.Descendants("RepositoryUrl").Single().Value;
        Assert.Multiple(() =>
        {
            foreach (var descriptor in DiagnosticDescriptors.All)
            {
                var link = descriptor.HelpLinkUri;
                Assert.That(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, Is.True, $"{descriptor.Id}: {link}");
                Assert.That(link, Is.EqualTo($"{repositoryUrl}/blob/main/docs/diagnostics/{descriptor.Id}.md"));
                Assert.That(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), Is.True, $"docs/diagnostics/{descriptor.Id}.md");
            }
        });
    }

    // The project directory recorded at build time (as for the snapshots), two levels below the repository root.
    private static string RepositoryRoot() => Path.GetFullPath(Path.Combine(Snapshot.Directory, "..", "..", ".."));

    [Test]
    public void EveryDiagnosticId_HasATestInThisFixture()
    {
        var tested = typeof(DiagnosticTests).GetMethods()
            .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
            .Select(m => m.Name.Split('_')[0])
            .ToHashSet();
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).Order().ToList();

        Assert.That(ids, Has.Count.EqualTo(46));
        Assert.That(ids.Where(id => !tested.Contains(id)), Is.Empty, "IDs without a test named CONSxxxx_...");
    }

    [Test]
    public void ValidConsumer_ProducesNoDiagnostics()
    {
        var run = GeneratorHarness.Run(Usings + """
            [JsonContext(typeof(ChatJson))]
            public partial class LobbyConsumer : Consumer
            {
                public LobbyConsumer(IServiceProvider services) { }

                [Action]
                public async Task<ActionResult<RoomDto>> CreateAsync(CreateRoomDto data, System.Threading.CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    return ActionResult<RoomDto>.Created(new RoomDto(1, data.Name, new()));
                }

                [Action("leave")]
                public void LeaveRoom(int roomId, string? reason = null) { }
            }
            """, TestSources.Dtos);

        Assert.That(run.GeneratorDiagnostics, Is.Empty);
        Assert.That(run.CompilationProblems.Select(DiagnosticText.Format), Is.Empty);
    }

    [Test]
    public void PragmaWarningDisable_AroundTheAction_SuppressesTheDiagnostic()
    {
        var run = GeneratorHarness.Run(Usings + """
            public class RoomService
            {
            #pragma warning disable CONS0002 // shared with a consumer through a partial declaration elsewhere
                [Action]
                public void Ping() { }
            #pragma warning restore CONS0002
            }
            """);

        Assert.That(run.GeneratorDiagnostics.Select(d => (d.Id, d.IsSuppressed)), Is.EqualTo(new[] { ("CONS0002", true) }));
        Assert.That(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsSuppressed), Is.Empty);
    }

    [Test]
    public void PragmaWarningDisable_ForTheWholeFile_SuppressesAConsumerDiagnostic()
    {
        var run = GeneratorHarness.Run("#pragma warning disable CONS0010\n" + Usings + """
            public partial class LobbyConsumer : Consumer
            {
                [Action]
                public void Log(string action) { }
            }
            """);

        Assert.That(run.GeneratorDiagnostics.Select(d => (d.Id, d.IsSuppressed)), Is.EqualTo(new[] { ("CONS0010", true) }));
    }

    [Test]
    public void PragmaWarningDisable_RestoredBeforeTheAction_DoesNotSuppress()
    {
        var run = GeneratorHarness.Run(Usings + """
            public class RoomService
            {
            #pragma warning disable CONS0002
            #pragma warning restore CONS0002
                [Action]
                public void Ping() { }
            }
            """);

        Assert.That(run.GeneratorDiagnostics.Select(d => (d.Id, d.IsSuppressed)), Is.EqualTo(new[] { ("CONS0002", false) }));
    }

    [Test]
    public void PragmaWarningDisable_OfAnotherId_DoesNotSuppress()
    {
        var run = GeneratorHarness.Run(Usings + """
            #pragma warning disable CONS0003
            public class RoomService
            {
                [Action]
                public void Ping() { }
            }
            """);

        Assert.That(run.GeneratorDiagnostics.Select(d => (d.Id, d.IsSuppressed)), Is.EqualTo(new[] { ("CONS0002", false) }));
    }

    /// <summary>
    /// Asserts the generator reports exactly one diagnostic, <paramref name="id"/>, on the marked span of
    /// <c>Consumer.cs</c>, that its text matches the snapshot, and that the output has no compiler errors.
    /// </summary>
    private static void AssertDiagnostic(string id, string markup, string? extraSource = null, [CallerMemberName] string name = "", IReadOnlyDictionary<string, string>? build = null)
    {
        var expected = Markup.Parse(markup);
        string[] sources = extraSource is null ? [expected.Source] : [expected.Source, extraSource];
        var run = build is null ? GeneratorHarness.Run(sources) : GeneratorHarness.Run(build, sources);
        var diagnostics = run.GeneratorDiagnostics;

        Assert.That(diagnostics.Select(d => d.Id), Is.EqualTo(new[] { id }), DiagnosticText.Format(diagnostics));
        var diagnostic = diagnostics[0];
        var location = diagnostic.Location;
        Assert.Multiple(() =>
        {
            Assert.That(location.IsInSource, Is.True, "located in the compilation's syntax tree, so that pragmas apply");
            Assert.That(location.SourceTree?.FilePath, Is.EqualTo("Consumer.cs"));
            Assert.That(location.SourceTree?.GetText().ToString(location.SourceSpan), Is.EqualTo(expected.Text), "the text under the diagnostic");
            Assert.That(location.SourceSpan, Is.EqualTo(expected.Span));
            Assert.That(location.GetLineSpan().Span, Is.EqualTo(expected.LineSpan));
            Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticDescriptors.ById(id).DefaultSeverity));
            Assert.That(diagnostic.IsSuppressed, Is.False);
            Assert.That(diagnostic.Descriptor.HelpLinkUri, Is.EqualTo($"{DiagnosticDescriptors.HelpBase}{id}.md"));
            Assert.That(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(DiagnosticText.Format), Is.Empty,
                "the consumer is valid C#: the only error is the generator's");
        });
        Snapshot.VerifyText(DiagnosticText.Format(diagnostics), name);
    }
}
