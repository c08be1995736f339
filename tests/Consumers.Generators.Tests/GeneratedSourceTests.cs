using Consumers.Generators.Tests.Infrastructure;

namespace Consumers.Generators.Tests;

/// <summary>
/// Snapshots of the generated part of representative consumers. Each test also proves the consumer plus its
/// generated part compiles without errors or warnings against the runtime.
/// </summary>
[TestFixture]
public sealed class GeneratedSourceTests
{
    [Test]
    public void ModelObservers_GetARegistration_AGroupFunction_AndTypedSubscribeMethods()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Consumers;

            namespace Chat;

            public enum Kind { Text, Image }

            public sealed class Message
            {
                public int Id { get; set; }
                public long RoomId { get; set; }
                public string? Topic { get; set; }
                public Guid Author;
                public Kind Kind { get; set; }
                public bool Pinned { get; set; }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class ObservingConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}")]
                private static RoomDto MessageActivity(Message message) => new(message.Id, "", new());

                [ModelObserver<Message>(Group = "topic:{Topic}.{Kind}.{Pinned}.{Author}")]
                private static RoomDto TopicActivity(Message message) => new(message.Id, "", new());

                [ModelObserver<Message>]
                private static RoomDto AllMessages(Message message) => new(message.Id, "", new());

                [Action]
                public System.Threading.Tasks.ValueTask Join(long roomId, RequestContext request) => SubscribeMessageActivityAsync(roomId, request);
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.ObservingConsumer.g.cs"));
    }

    [Test]
    public void GroupEventHandlers_GetASwitchOnTheEventTypeName_WithOneTypedCallEach()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            [JsonContext(typeof(ChatJson))]
            public partial class EventsConsumer : Consumer
            {
                [GroupEvent]
                private Task OnRoom(RoomDto e) => Task.CompletedTask;

                [GroupEvent]
                protected ValueTask OnCreate(CreateRoomDto e) => default;

                [GroupEvent]
                private void OnMember(MemberDto e) { }
            }
            """, TestSources.Dtos).AssertClean();

        var source = run.Source("Chat.EventsConsumer.g.cs");
        Assert.That(source, Does.Contain("eventType is \"Chat.RoomDto\" or \"Chat.CreateRoomDto\" or \"Chat.MemberDto\""));
        Snapshot.VerifySource(source);
    }

    [Test]
    public void ConsumerEventTypes_AreRegisteredByAModuleInitializer_AndAGroupEventHandlerOfOneReadsTheEnvelopesData()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            [JsonContext(typeof(PushJson))]
            [Pushes(typeof(ChatLine))]
            public partial class LineConsumer : Consumer
            {
                [GroupEvent]
                private void OnLine(ChatLine e) { }

                [GroupEvent]
                private void OnNotice(Notice e) { }
            }
            """, TestSources.Events).AssertClean();

        var registrations = run.Source("ConsumerEvents.g.cs");
        Assert.That(registrations, Does.Contain("global::Consumers.Dispatch.ConsumerEvents.Register(typeof(global::Chat.ChatLine), \"chat_line\");"));
        Assert.That(registrations, Does.Contain("global::Consumers.Dispatch.ConsumerEvents.Register(typeof(global::Chat.PresenceChanged), \"presence_changed\");"));
        Snapshot.VerifySource(registrations, "Registrations");
        var consumer = run.Source("Chat.LineConsumer.g.cs");
        Assert.That(consumer, Does.Contain("JsonSerializer.Deserialize(global::Consumers.Dispatch.ConsumerEvents.DataOf(payload).Span,"));
        Assert.That(consumer, Does.Contain("JsonSerializer.Deserialize(payload.Span,"), "a plain type's payload is the object itself");
    }

    [Test]
    public void ConcurrentActionsAndStreams_AreHandedToTheRuntime_ByAStaticLambda_WithTheirAuthorizationInside()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Runtime.CompilerServices;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;
            using Consumers;
            using Microsoft.AspNetCore.Authorization;

            namespace Chat;

            [JsonContext(typeof(ChatJson))]
            public partial class CallsConsumer : Consumer
            {
                [Action(Concurrent = true)]
                public Task<RoomDto> FetchAsync(int pk, CancellationToken cancellationToken) => Task.FromResult(new RoomDto(pk, "", new()));

                [Action(Concurrent = true), Authorize(Roles = "admin")]
                public Task PurgeAsync() => Task.CompletedTask;

                [Action]
                public async IAsyncEnumerable<RoomDto> Rooms(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    await Task.Yield();
                    yield return new RoomDto(count, "", new());
                }

                [Action]
                public ChannelReader<string> Words() => Channel.CreateUnbounded<string>().Reader;

                [Action]
                public int Ordered() => 1;
            }
            """, TestSources.Dtos).AssertClean();

        var source = run.Source("Chat.CallsConsumer.g.cs");
        Assert.That(source, Does.Contain("invocation.RunConcurrentlyAsync(__self, static (__detached, __call) => __detached.__Invoke_FetchAsync"));
        Assert.That(source, Does.Contain("invocation.RunStreamAsync(__self, static (__detached, __call) => __detached.__Invoke_Rooms"));
        Assert.That(source, Does.Contain("return __self.__Invoke_Ordered"));
        Snapshot.VerifySource(source);
    }

    [Test]
    public void GroupEventType_NestedInAClass_IsNamedAsTypeFullNameNamesIt()
    {
        var run = GeneratorHarness.Run("""
            using System.Text.Json.Serialization;
            using Consumers;

            namespace Chat.Events;

            public static class Outer
            {
                public sealed record Ping(int N);
            }

            [JsonSerializable(typeof(Outer.Ping))]
            public partial class PingJson : JsonSerializerContext
            {
                public PingJson() : base(null)
                {
                }

                public static PingJson Default { get; } = new();

                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }

            [JsonContext(typeof(PingJson))]
            public partial class PingConsumer : Consumer
            {
                [GroupEvent]
                private void OnPing(Outer.Ping e) { }
            }
            """).AssertClean();

        Assert.That(run.Source("Chat.Events.PingConsumer.g.cs"), Does.Contain("case \"Chat.Events.Outer+Ping\":"));
        Assert.That(typeof(Outer.Ping).FullName, Is.EqualTo("Consumers.Generators.Tests.GeneratedSourceTests+Outer+Ping"), "the runtime's naming the generator follows");
    }

    private static class Outer
    {
        public sealed record Ping(int N);
    }

    [Test]
    public void ObserversWithSeveralGroups_GetAGroupsFunction_AndSubscribeMethodsPerTemplateOrKey()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using Consumers;

            namespace Chat;

            public sealed class Message
            {
                public int Id { get; set; }
                public long RoomId { get; set; }
                public string? Topic { get; set; }
                public string Author { get; set; } = "";
            }

            [JsonContext(typeof(ChatJson))]
            public partial class FeedConsumer : Consumer
            {
                [ModelObserver<Message>(Groups = new[] { "room:{RoomId}", "topic:{Topic}.{Author}", "all" })]
                private static RoomDto Feed(Message message) => new(message.Id, "", new());

                [ModelObserver<Message>(GroupsMethod = nameof(KeysOf))]
                private static RoomDto Keyed(Message message) => new(message.Id, "", new());

                private static IEnumerable<string?> KeysOf(Message message) => new[] { message.Author, message.Topic };

                [Action]
                public System.Threading.Tasks.ValueTask Follow(long roomId, RequestContext request) => SubscribeFeedByRoomIdAsync(roomId, request);

                [Action]
                public System.Threading.Tasks.ValueTask FollowKey(string key, RequestContext request) => SubscribeKeyedAsync(key, request);
            }
            """, TestSources.Dtos).AssertClean();

        var source = run.Source("Chat.FeedConsumer.g.cs");
        Assert.That(source, Does.Contain("SubscribeFeedByTopicAndAuthorAsync(string topic, string author,").And.Contain("SubscribeFeedAsync(global::Consumers.RequestContext request"));
        Snapshot.VerifySource(source);
    }

    [Test]
    public void ObserverHandlers_AreCalledWithTheDeserializedChange()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public sealed class Message
            {
                public int Id { get; set; }
                public int RoomId { get; set; }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class HandlingConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}", Handler = nameof(OnActivity))]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                [ModelObserver<Message>(Handler = nameof(OnAll))]
                private static RoomDto All(Message message) => new(message.Id, "", new());

                [ModelObserver<Message>(Group = "plain:{Id}")]
                private static RoomDto Plain(Message message) => new(message.Id, "", new());

                private ValueTask OnActivity(RoomDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds) => default;

                private Task OnAll(RoomDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds) => Task.CompletedTask;
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.HandlingConsumer.g.cs"));
    }

    [Test]
    public void ObserverHandlers_OfAConcreteBaseConsumer_GoToTheBasesHooks_BesideTheConsumersOwn()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public sealed class Message
            {
                public int Id { get; set; }
                public int RoomId { get; set; }
            }

            [JsonContext(typeof(ChatJson))]
            public partial class HandlingConsumer : Consumer
            {
                [ModelObserver<Message>(Group = "room:{RoomId}", Handler = nameof(OnActivity))]
                private static RoomDto Activity(Message message) => new(message.Id, "", new());

                private ValueTask OnActivity(RoomDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds) => default;
            }

            [JsonContext(typeof(ChatJson))]
            public partial class DerivedConsumer : HandlingConsumer
            {
            }

            [JsonContext(typeof(ChatJson))]
            public sealed partial class OwnHandlerConsumer : HandlingConsumer
            {
                [ModelObserver<Message>(Handler = nameof(OnAll))]
                private static RoomDto All(Message message) => new(message.Id, "", new());

                private void OnAll(RoomDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds) { }
            }
            """, TestSources.Dtos).AssertClean();

        var derived = run.Source("Chat.DerivedConsumer.g.cs");
        Assert.That(derived, Does.Contain("__BaseHooks = __HooksOf<global::Chat.HandlingConsumer>()"));
        Assert.That(derived, Does.Contain("public override bool HandlesNotifications(string observerId) => __BaseHooks.HandlesNotifications(observerId);"));
        var own = run.Source("Chat.OwnHandlerConsumer.g.cs");
        Assert.That(own, Does.Contain("observerId is \"OwnHandlerConsumer.All\" || __BaseHooks.HandlesNotifications(observerId)"));
        Snapshot.VerifySource(own);
    }

    [Test]
    public void ServiceParameters_InterfacesAbstractTypesAndFromServices_ComeFromTheConnectionsScope_AndAreNoRequestKeys()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using Consumers;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.Logging;

            namespace Chat;

            public interface IGreeter { string Greet(string name); }

            public abstract class Clock { public abstract long Now { get; } }

            public sealed class Audit { }

            public partial class ServiceConsumer : Consumer
            {
                [Action]
                public string Hello(string name, ILogger<ServiceConsumer> logger, IGreeter greeter, Clock clock, [FromServices] Audit audit, IGreeter? fallback)
                    => greeter.Greet(name);
            }
            """, TestSources.Dtos).AssertClean();
        var source = run.Source("Chat.ServiceConsumer.g.cs");
        Assert.Multiple(() =>
        {
            Assert.That(source, Does.Contain("GetRequiredService<global::Microsoft.Extensions.Logging.ILogger<global::Chat.ServiceConsumer>>(invocation.Services)"));
            Assert.That(source, Does.Contain("GetRequiredService<global::Chat.IGreeter>(invocation.Services)"));
            Assert.That(source, Does.Contain("GetRequiredService<global::Chat.Clock>(invocation.Services)"));
            Assert.That(source, Does.Contain("GetRequiredService<global::Chat.Audit>(invocation.Services)"));
            Assert.That(source, Does.Contain("GetService<global::Chat.IGreeter>(invocation.Services)"));
            Assert.That(source, Does.Not.Contain("\"logger\"u8").And.Not.Contain("\"greeter\"u8").And.Not.Contain("\"audit\"u8"), "services are no request keys");
        });
    }

    [Test]
    public void CollectionInterfaceParameters_AreData_NotServices()
    {
        var run = GeneratorHarness.Run(BuildProperties.PlainApp(), """
            using System.Collections.Generic;
            using Consumers;

            namespace Chat;

            public partial class TagConsumer : Consumer
            {
                [Action]
                public int Count(IReadOnlyList<int> ids, IDictionary<string, int> weights) => ids.Count;
            }
            """);
        var source = run.Source("Chat.TagConsumer.g.cs");
        Assert.Multiple(() =>
        {
            Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "CONS0055", "CONS0055" }));
            Assert.That(source, Does.Contain("\"ids\"u8").And.Contain("\"weights\"u8"));
            Assert.That(source, Does.Not.Contain("invocation.Services"));
        });
    }

    [Test]
    public void PrimitiveParameters_OfEverySupportedKind_AreReadWithoutAJsonContext()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Text.Json;
            using Consumers;

            namespace Chat;

            public partial class PrimitivesConsumer : Consumer
            {
                [Action]
                public void Text(string text, bool flag, JsonElement payload) { }

                [Action]
                public void Integers(byte u8, sbyte i8, short i16, ushort u16, int i32, uint u32, long i64, ulong u64) { }

                [Action]
                public void Numbers(float single, double real, decimal money) { }

                [Action]
                public void Identities(Guid id, DateTime at, DateTimeOffset atOffset) { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.PrimitivesConsumer.g.cs"));
    }

    [Test]
    public void AuthorizationAttributes_AreEmittedAsSecurityRequirements_AndCheckedOnTheBoundCall()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;
            using Consumers.Security;
            using Microsoft.AspNetCore.Authorization;

            namespace Chat;

            public sealed class IsRoomMember : BasePermission;

            public sealed class NeedsServices(System.IServiceProvider services) : BasePermission
            {
                public System.IServiceProvider Services { get; } = services;
            }

            [Authorize(Roles = "member"), Authorize("Verified", AuthenticationSchemes = "Bearer")]
            [Permission(typeof(IsAuthenticated))]
            public partial class SecuredConsumer : Consumer
            {
                [Action]
                public int Open() => 1;

                [Action, Authorize(Policy = "Admin \"quoted\"")]
                public void Admin(string reason) { }

                [Action, Permission(typeof(IsRoomMember), typeof(NeedsServices))]
                public void Post(string text) { }

                [Action, AllowAnonymous]
                public void Anonymous() { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.SecuredConsumer.g.cs"));
    }

    [Test]
    public void Filters_OfTheClassAndTheAction_AreEmittedAsSources_AndTheirActionsAlwaysTakeTheBoundCall()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public sealed class Audit : IConsumerFilter
            {
                public ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next) => next(context);
            }

            public sealed class NeedsServices(System.IServiceProvider services) : IConsumerFilter
            {
                public System.IServiceProvider Services { get; } = services;

                public ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next) => next(context);
            }

            [ConsumerFilter(typeof(Audit))]
            public partial class FilteredConsumer : Consumer
            {
                [Action, ConsumerFilter(typeof(NeedsServices))]
                public Task<ActionResult<string>> Rename(int pk, string? name = null) => Task.FromResult<ActionResult<string>>(name ?? "");

                [Action]
                public void Ping() { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.FilteredConsumer.g.cs"));
    }

    [Test]
    public void DataAnnotations_OfDtoArguments_AreCheckedByGeneratedValidators_NestedDtosAndListsToo()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Text.Json.Serialization;
            using Consumers;

            namespace Chat;

            public sealed record Line([Required] string? Sku, [property: Range(1, 10)] int Quantity);

            public sealed class Order : IValidatableObject
            {
                [Required(AllowEmptyStrings = false, ErrorMessage = "This field may not be blank."), StringLength(20, MinimumLength = 2)]
                public string? Customer { get; set; }

                [Display(Name = "Amount"), Range(0.5, 99.5)]
                public double Total { get; set; }

                [JsonPropertyName("items")]
                public List<Line>? Lines { get; set; }

                public Line? First { get; set; }

                public IEnumerable<ValidationResult> Validate(ValidationContext context) => [];
            }

            [JsonSerializable(typeof(Order))]
            public sealed partial class ShopJson : JsonSerializerContext
            {
                public ShopJson() : base(null)
                {
                }

                public static ShopJson Default { get; } = new();

                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }

            [JsonContext(typeof(ShopJson))]
            public partial class ShopConsumer : Consumer
            {
                [Action]
                public void Place(Order data) { }

                [Action]
                public void Change(int id, Order? order = null) { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.ShopConsumer.g.cs"));
    }

    [Test]
    public void OptionalParameters_NullableOrDefaulted_AreNotRequired()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Consumers;

            namespace Chat;

            public partial class OptionalConsumer : Consumer
            {
                [Action]
                public void Search(
                    string query,
                    string? cursor,
                    int? limit,
                    Guid? roomId,
                    DateTimeOffset? since,
                    int pageSize = 20,
                    string order = "newest",
                    bool includeArchived = false,
                    double minScore = 0.5,
                    decimal maxPrice = 9.99m,
                    long offset = -1,
                    string? tag = null,
                    int? page = 1)
                {
                }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.OptionalConsumer.g.cs"));
    }

    [Test]
    public void DefaultValues_KeepTheExactConstantOfTheirType()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat;

            public partial class DefaultsConsumer : Consumer
            {
                [Action]
                public void Tune(
                    decimal precise = 1.0000000000000000000000000001m,
                    decimal largest = decimal.MaxValue,
                    float tenth = 0.1f,
                    double huge = 1e300,
                    double notANumber = double.NaN,
                    float infinite = float.PositiveInfinity,
                    double negativeInfinite = double.NegativeInfinity,
                    long smallest = long.MinValue,
                    ulong biggest = ulong.MaxValue,
                    sbyte negative = -5,
                    string quoted = "say \"hi\"\n",
                    decimal? maybe = 2.5m)
                {
                }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.DefaultsConsumer.g.cs"));
    }

    [Test]
    public void DtoDataParameter_UsesTheJsonContextNamedOnTheClass()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            [JsonContext(typeof(ChatJson))]
            public partial class RoomConsumer : Consumer
            {
                [Action]
                public Task<RoomDto> CreateAsync(CreateRoomDto data) => Task.FromResult(new RoomDto(1, data.Name, new()));

                [Action]
                public MemberDto? FindMember(string name, MemberDto? fallback) => fallback;
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.RoomConsumer.g.cs"));
    }

    [Test]
    public void DtoDataParameter_UsesTheJsonContextNamedOnTheAssembly()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            [assembly: JsonContext(typeof(Chat.ChatJson))]

            namespace Chat;

            public partial class AssemblyContextConsumer : Consumer
            {
                [Action]
                public RoomDto Create(CreateRoomDto data) => new(1, data.Name, new());
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.AssemblyContextConsumer.g.cs"));
    }

    [Test]
    public void ReturnShapes_EachSupportedShape_GetsItsReplyCall()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            [JsonContext(typeof(ChatJson))]
            public partial class ReturnsConsumer : Consumer
            {
                [Action] public void ReturnsVoid() { }
                [Action] public Task ReturnsTask() => Task.CompletedTask;
                [Action] public ValueTask ReturnsValueTask() => default;
                [Action] public int ReturnsValue() => 1;
                [Action] public string? ReturnsNullableString() => null;
                [Action] public Task<RoomDto> ReturnsTaskOfDto() => Task.FromResult(new RoomDto(1, "a", new()));
                [Action] public ValueTask<long> ReturnsValueTaskOfValue() => new(1L);
                [Action] public ActionResult ReturnsResult() => ActionResult.NoContent();
                [Action] public Task<ActionResult> ReturnsTaskOfResult() => Task.FromResult(ActionResult.Ok());
                [Action] public ValueTask<ActionResult> ReturnsValueTaskOfResult() => new(ActionResult.Ok());
                [Action] public ActionResult<RoomDto> ReturnsResultOfDto() => ActionResult.NotFound();
                [Action] public Task<ActionResult<RoomDto>> ReturnsTaskOfResultOfDto() => Task.FromResult(ActionResult<RoomDto>.Created(new RoomDto(1, "a", new())));
                [Action] public ValueTask<ActionResult<int>> ReturnsValueTaskOfResultOfValue() => new(ActionResult<int>.Ok(1));
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.ReturnsConsumer.g.cs"));
    }

    [Test]
    public void FrameworkParameters_AreSuppliedByTheInvocation_NotReadFromTheRequest()
    {
        var run = GeneratorHarness.Run("""
            using System.Security.Claims;
            using System.Threading;
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public partial class FrameworkConsumer : Consumer
            {
                [Action]
                public Task<string> WhoAmIAsync(RequestContext request, ClaimsPrincipal user, CancellationToken cancellationToken, int roomId)
                    => Task.FromResult(user.Identity?.Name ?? request.Action);
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.FrameworkConsumer.g.cs"));
    }

    [Test]
    public void FrameworkParameters_DeclaredNullable_AreStillSuppliedByTheInvocation()
    {
        var run = GeneratorHarness.Run("""
            using System.Security.Claims;
            using Consumers;

            namespace Chat;

            public partial class NullableFrameworkConsumer : Consumer
            {
                [Action]
                public string? WhoAmI(ClaimsPrincipal? user, RequestContext? request) => user?.Identity?.Name ?? request?.Action;
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.NullableFrameworkConsumer.g.cs"));
    }

    [Test]
    public void ActionNames_FromTheAttribute_OverrideTheSnakeCaseDefault()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public partial class NamedConsumer : Consumer
            {
                [Action("join")]
                public Task JoinRoomAsync(int roomId) => Task.CompletedTask;

                [Action("room.leave")]
                public void Leave(int roomId) { }

                [Action("ping")]
                public string Ping() => "pong";

                [Action]
                public void SendHTTPRequest2Server() { }

                [Action("sync")]
                public void Sync(int version) { }

                [Action("sync_all")]
                public void Sync() { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.NamedConsumer.g.cs"));
    }

    [Test]
    public void InheritedActions_FromAnAbstractBase_AreDispatchedByTheConcreteConsumer()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            public abstract class AuditedConsumer : Consumer
            {
                [Action]
                public string Ping() => "pong";

                [Action]
                protected virtual Task AuditAsync(string message) => Task.CompletedTask;

                [Action]
                public virtual int Version() => 1;
            }

            public partial class LobbyConsumer : AuditedConsumer
            {
                [Action]
                public void Join(int roomId) { }

                // Overrides keep the base's [Action]: dispatched once, to the override.
                [Action]
                public override int Version() => 2;
            }
            """).AssertClean();

        Assert.That(run.GeneratedSources.Select(s => s.HintName), Is.EqualTo(new[] { "Chat.LobbyConsumer.g.cs", "Chat.LobbyConsumer.Client.g.cs", "ConsumersClient.g.cs" }),
            "the abstract base gets no generated part of its own");
        Snapshot.VerifySource(run.Source("Chat.LobbyConsumer.g.cs"));
    }

    [Test]
    public void InheritedActions_FromAGenericAbstractBase_AreBoundWithTheClosedTypes()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat;

            public abstract class KeyedConsumer<TKey> : Consumer
            {
                [Action]
                public TKey Echo(TKey key) => key;
            }

            public partial class GuidConsumer : KeyedConsumer<System.Guid>
            {
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.GuidConsumer.g.cs"));
    }

    [Test]
    public void InheritedActions_WithDtos_UseTheContextTheConcreteConsumerNames()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat;

            public abstract class RoomsBase : Consumer
            {
                [Action]
                public RoomDto Create(CreateRoomDto data) => new(1, data.Name, new());
            }

            [JsonContext(typeof(ChatJson))]
            public partial class RoomsConsumer : RoomsBase
            {
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.RoomsConsumer.g.cs"));
    }

    [Test]
    public void NestedConsumer_InAPartialOuterClass_IsEmittedInsideTheOuterClass()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat.Features;

            public static partial class Rooms
            {
                internal sealed partial class Consumer : Consumers.Consumer
                {
                    [Action]
                    public int Count() => 0;
                }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.Features.Rooms.Consumer.g.cs"));
    }

    [Test]
    public void ConsumerInTheGlobalNamespace_IsEmittedWithoutANamespace()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            public partial class GlobalConsumer : Consumer
            {
                [Action]
                public bool Echo(bool value) => value;
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("GlobalConsumer.g.cs"));
    }

    [Test]
    public void ConstructorServices_AreResolvedFromTheScope_OptionalOnesWithGetService()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Consumers;

            namespace Chat;

            public interface IRoomStore { }
            public interface IClock { }
            public interface IAuditLog { }

            public partial class ServicesConsumer : Consumer
            {
                public ServicesConsumer(IRoomStore store)
                    : this(store, null, null)
                {
                }

                // The public constructor with the most parameters is the one the factory calls.
                public ServicesConsumer(IRoomStore store, IClock? clock, IAuditLog? audit = null)
                {
                }

                private ServicesConsumer(IRoomStore store, IClock clock, IAuditLog audit, IServiceProvider services)
                {
                }

                [Action]
                public void Ping() { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.ServicesConsumer.g.cs"));
    }

    [Test]
    public void ConsumerWithoutActions_AnswersEveryRequestWithUnknownAction()
    {
        var run = GeneratorHarness.Run("""
            using Consumers;

            namespace Chat;

            public partial class EmptyConsumer : Consumer
            {
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.EmptyConsumer.g.cs"));
    }

    [Test]
    public void ReceiveHandler_IsCalledWithTheMessageReadThroughTheJsonContext_AndSetsThePlainJsonFlag()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using Consumers;

            namespace Chat;

            [JsonContext(typeof(ChatJson))]
            public partial class TutorialConsumer : Consumer
            {
                [Receive]
                public Task OnMessage(CreateRoomDto message, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.TutorialConsumer.g.cs"));
        Assert.That(run.GeneratedSources.Select(s => s.HintName), Is.EqualTo(new[] { "Chat.TutorialConsumer.g.cs" }),
            "no typed clients: a plain consumer has no actions to call");
    }

    [Test]
    public void ReceiveHandler_OfJsonElement_ReturningVoid_NeedsNoJsonContext()
    {
        var run = GeneratorHarness.Run("""
            using System.Text.Json;
            using Consumers;

            namespace Chat;

            public partial class RawConsumer : Consumer
            {
                [Receive]
                protected void Receive(JsonElement message) { }
            }
            """).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.RawConsumer.g.cs"));
    }
}
