using Consumers.Generators.Emit;
using Consumers.Generators.Tests.Infrastructure;

namespace Consumers.Generators.Tests;

/// <summary>
/// The generated JavaScript client and TypeScript declarations (one <c>ConsumersClient.g.cs</c> per compilation) and
/// the contract each consumer carries for the AsyncAPI document.
/// </summary>
[TestFixture]
public sealed class ClientSourceTests
{
    private const string Consumers = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        public sealed class Message
        {
            public int Id { get; set; }
            public int RoomId { get; set; }
        }

        /// <summary>Rooms and their <c>messages</c>, see <see cref="RoomDto"/>.</summary>
        [JsonContext(typeof(ChatJson))]
        public partial class LobbyConsumer : Consumer
        {
            /// <summary>New messages of a room.</summary>
            [ModelObserver<Message>(Group = "room:{RoomId}")]
            private static RoomDto MessageActivity(Message message) => new(message.Id, "", new());

            /// <summary>Joins a room: its messages come with this request's id.</summary>
            [Action]
            public async Task<ActionResult<RoomDto>> JoinRoomAsync(int roomId, RequestContext request, CancellationToken cancellationToken)
            {
                await SubscribeMessageActivityAsync(roomId, request, cancellationToken);
                return new RoomDto(roomId, "", new());
            }

            [Action]
            public RoomDto Create(CreateRoomDto data, string? note = null) => new(1, data.Name, new());

            [Action("close")]
            public void CloseRoom(int pk) { }

            [Action]
            public int? Count(bool includeEmpty = false) => null;
        }

        public partial class PingConsumer : Consumer
        {
            [Action]
            public string Ping() => "pong";
        }
        """;

    [Test]
    public void Client_HasAClassPerConsumer_AndAMethodPerAction_InOneFilePerCompilation()
    {
        var run = GeneratorHarness.Run(Consumers, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source(ClientEmitter.HintName));
    }

    private const string PushingConsumer = """
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        /// <summary>A room that pushes lines and presence.</summary>
        [JsonContext(typeof(PushJson))]
        [Pushes(typeof(ChatLine))]
        [Pushes(typeof(PresenceChanged))]
        public partial class RoomPushConsumer : Consumer
        {
            [Action]
            public ValueTask Say(string text) => SendToGroupAsync("lobby", new ChatLine("me", text), PushJson.Default.ChatLine);
        }
        """;

    [Test]
    public void Client_PushedEvents_AreAnEventMapWithTypedHandlers()
    {
        var run = GeneratorHarness.Run(PushingConsumer, TestSources.Events).AssertClean();

        var source = run.Source(ClientEmitter.HintName);
        Assert.That(source, Does.Contain("static events = { chatLine: \"chat_line\", presenceChanged: \"presence_changed\" };"));
        Assert.That(source, Does.Contain("export interface RoomPushConsumerClientEvents {"));
        Assert.That(source, Does.Contain("on<K extends keyof RoomPushConsumerClientEvents>(event: K, handler: (data: RoomPushConsumerClientEvents[K], frame: unknown) => void): () => void;"));
        Snapshot.VerifySource(source[source.IndexOf("export class RoomPushConsumerClient", StringComparison.Ordinal)..]);
    }

    [Test]
    public void Contract_ListsThePushedEvents_ForTheAsyncApiDocument()
    {
        var run = GeneratorHarness.Run(PushingConsumer, TestSources.Events).AssertClean();

        var source = run.Source("Chat.RoomPushConsumer.g.cs");
        Assert.That(source, Does.Contain("Events = new global::Consumers.Contracts.EventContract[]"));
        Assert.That(source, Does.Contain("new(\"chat_line\", \"A line said in a room.\", __Json"));
        Assert.That(source, Does.Contain("new(\"presence_changed\", null, __Json"));
    }

    [Test]
    public void DotNetClient_PushedEvents_GetATypedCallbackEach()
    {
        var run = GeneratorHarness.Run(PushingConsumer, TestSources.Events).AssertClean();

        var source = run.Source("Chat.RoomPushConsumer.Client.g.cs");
        Assert.That(source, Does.Contain("public global::System.IDisposable OnChatLine(global::System.Action<global::Chat.ChatLine> handler)"));
        Assert.That(source, Does.Contain("=> OnEvent(\"presence_changed\", "));
        Snapshot.VerifySource(source);
    }

    [Test]
    public void Contract_ListsTheActionsKeysResultsAndObservers_WithTheirSummaries()
    {
        var run = GeneratorHarness.Run(Consumers, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.LobbyConsumer.g.cs"));
    }

    [Test]
    public void DotNetClient_HasATypedMethodPerAction_RequiredKeysFirst()
    {
        var run = GeneratorHarness.Run(Consumers, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.LobbyConsumer.Client.g.cs"));
    }

    private const string CallsConsumer = """
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        [JsonContext(typeof(ChatJson))]
        public partial class AssistantConsumer : Consumer
        {
            /// <summary>Answers word by word.</summary>
            [Action]
            public async IAsyncEnumerable<string> Ask(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                await Task.Yield();
                yield return question;
            }

            [Action]
            public ChannelReader<RoomDto?> Rooms(int limit = 10) => Channel.CreateUnbounded<RoomDto?>().Reader;

            /// <summary>Looks a room up upstream.</summary>
            [Action(Concurrent = true)]
            public async Task<RoomDto?> Lookup(int pk, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                return null;
            }

            [Action(Concurrent = true)]
            public Task Touch() => Task.CompletedTask;

            [Action]
            public int Ordered() => 1;
        }
        """;

    [Test]
    public void Client_StreamingActions_ReturnAnAsyncIterable_AndConcurrentOnesCancelOnAbort()
    {
        var run = GeneratorHarness.Run(CallsConsumer, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source(ClientEmitter.HintName));
    }

    [Test]
    public void DotNetClient_StreamingActions_YieldTheirItems_AndConcurrentOnesCallConcurrentAsync()
    {
        var run = GeneratorHarness.Run(CallsConsumer, TestSources.Dtos).AssertClean();

        Snapshot.VerifySource(run.Source("Chat.AssistantConsumer.Client.g.cs"));
    }

    [Test]
    public void Contract_MarksStreamingAndConcurrentActions_WithTheItemAsTheResult()
    {
        var source = GeneratorHarness.Run(CallsConsumer, TestSources.Dtos).AssertClean().Source("Chat.AssistantConsumer.g.cs");

        Assert.Multiple(() =>
        {
            Assert.That(source, Does.Contain("""new("ask", "Answers word by word.", new global::Consumers.Contracts.ParameterContract[] { new("question", global::Consumers.Dispatch.PrimitiveJson.String, true, false) }, global::Consumers.Dispatch.PrimitiveJson.String, false, Stream: true),"""));
            Assert.That(source, Does.Contain("""new("rooms", null, new global::Consumers.Contracts.ParameterContract[] { new("limit", global::Consumers.Dispatch.PrimitiveJson.Int32, false, false) }, __Json0, true, Stream: true),"""));
            Assert.That(source, Does.Contain("""new("lookup", "Looks a room up upstream.", new global::Consumers.Contracts.ParameterContract[] { new("pk", global::Consumers.Dispatch.PrimitiveJson.Int32, true, false) }, __Json0, true, Concurrent: true),"""));
            Assert.That(source, Does.Contain("""new("touch", null, global::System.Array.Empty<global::Consumers.Contracts.ParameterContract>(), null, true, Concurrent: true),"""));
            Assert.That(source, Does.Contain("""new("ordered", null, global::System.Array.Empty<global::Consumers.Contracts.ParameterContract>(), global::Consumers.Dispatch.PrimitiveJson.Int32, false),"""));
        });
    }

    [Test]
    public void DotNetClient_OfAConsumerExchangingAnInternalDto_IsInternal()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using System.Text.Json.Serialization.Metadata;
            using Consumers;

            namespace Shop;

            internal sealed record Secret(string Value);

            [JsonSerializable(typeof(Secret))]
            internal partial class SecretJson : JsonSerializerContext
            {
                public SecretJson() : base(null) { }
                public static SecretJson Default { get; } = new();
                protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [JsonContext(typeof(SecretJson))]
            public partial class VaultConsumer : Consumer
            {
                [Action]
                internal Secret Open(int pk) => new("x");
            }

            public partial class PublicConsumer : Consumer
            {
                [Action]
                public int Count() => 1;
            }
            """).AssertClean();

        Assert.Multiple(() =>
        {
            Assert.That(run.Source("Shop.VaultConsumer.Client.g.cs"), Does.Contain("internal sealed class VaultConsumerClient"));
            Assert.That(run.Source("Shop.PublicConsumer.Client.g.cs"), Does.Contain("public sealed class PublicConsumerClient"));
        });
    }

    [Test]
    public void CompilationWithoutConsumers_GetsNoClient()
    {
        var run = GeneratorHarness.Run("namespace Chat; public sealed class Plain { }").AssertClean();

        Assert.That(run.GeneratedSources, Is.Empty);
    }

    [Test]
    public void TypeScriptInterfaces_WithKeepContextPropertyNames_FollowTheContextsNamingPolicy_AndTheJsonAttributes()
        => AssertOrderInterfaces(OrderTypeScript(", KeepContextPropertyNames = true"), """
              customerName: string;
              note_text: string | null;
              size: "Small" | "Large";
              level: number;
              quantity: number | null;
              lines: LineDto[];
              prices: Record<string, number>;
              createdAt: string;
              extra: unknown;
              urlValue: string;
              id: string;
            """);

    [Test]
    public void TypeScriptInterfaces_AreSnakeCaseByDefault_WhateverTheContextsNamingPolicy_AndKeepTheJsonAttributes()
        => AssertOrderInterfaces(OrderTypeScript(""), """
              customer_name: string;
              note_text: string | null;
              size: "Small" | "Large";
              level: number;
              quantity: number | null;
              lines: LineDto[];
              prices: Record<string, number>;
              created_at: string;
              extra: unknown;
              url_value: string;
              id: string;
            """);

    private static string OrderTypeScript(string attributeArguments)
        => GeneratorHarness.Run($$"""
            using System;
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using System.Text.Json.Serialization.Metadata;
            using Consumers;

            namespace Shop;

            [JsonConverter(typeof(JsonStringEnumConverter<Size>))]
            public enum Size { Small, Large }

            public enum Level { Low, High }

            public class Entity
            {
                public Guid Id { get; set; }
            }

            public sealed class OrderDto : Entity
            {
                public string CustomerName { get; set; } = "";
                [JsonPropertyName("note_text")] public string? Note { get; set; }
                [JsonIgnore] public string Secret { get; set; } = "";
                public Size Size { get; set; }
                public Level Level { get; set; }
                public int? Quantity { get; set; }
                public List<LineDto> Lines { get; set; } = new();
                public Dictionary<string, decimal> Prices { get; set; } = new();
                public DateTimeOffset CreatedAt { get; set; }
                public JsonElement Extra { get; set; }
                public string URLValue { get; set; } = "";
            }

            public sealed record LineDto(string Sku, LineDto? Parent);

            [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
            [JsonSerializable(typeof(OrderDto))]
            public partial class ShopJson : JsonSerializerContext
            {
                public ShopJson() : base(null) { }
                public static ShopJson Default { get; } = new();
                protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [JsonContext(typeof(ShopJson){{attributeArguments}})]
            public partial class OrderConsumer : Consumer
            {
                [Action]
                public OrderDto? Find(int id) => null;
            }
            """).AssertClean().Source(ClientEmitter.HintName);

    private static void AssertOrderInterfaces(string typeScript, string members)
        => Assert.Multiple(() =>
        {
            Assert.That(typeScript, Does.Contain("export interface OrderDto {\n" + members.ReplaceLineEndings("\n") + "\n}\n"));
            Assert.That(typeScript, Does.Contain("""
                export interface LineDto {
                  sku: string;
                  parent: LineDto | null;
                }
                """.ReplaceLineEndings("\n")));
            Assert.That(typeScript, Does.Contain("find(params: { id: number }, options?: CallOptions<unknown>): Promise<OrderDto | null>;"));
        });

    [TestCase("join_room", "joinRoom")]
    [TestCase("list", "list")]
    [TestCase("subscribe_instance", "subscribeInstance")]
    [TestCase("room.send-now", "roomSendNow")]
    [TestCase("2fa", "_2fa")]
    [TestCase("__", "_")]
    public void MethodNames_AreTheCamelCaseOfTheWireName(string wireName, string method)
        => Assert.That(ClientEmitter.CamelCase(wireName), Is.EqualTo(method));
}
