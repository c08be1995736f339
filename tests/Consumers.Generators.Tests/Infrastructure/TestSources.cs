namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>Sources shared by several tests.</summary>
internal static class TestSources
{
    /// <summary>
    /// DTOs and a <c>JsonSerializerContext</c> written by hand: System.Text.Json's own generator does not run in
    /// these compilations, so the context implements its abstract members itself. What the Consumers generator
    /// reads (the base class and the <c>[JsonSerializable]</c> list) is the same as for a generated context.
    /// </summary>
    public const string Dtos = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;

        namespace Chat;

        public sealed record RoomDto(int Pk, string Name, List<MemberDto> Members);

        public sealed record MemberDto(string Name, Role Role);

        public enum Role { Guest, Moderator }

        public sealed record CreateRoomDto(string Name, bool IsPrivate);

        [JsonSerializable(typeof(RoomDto))]
        [JsonSerializable(typeof(CreateRoomDto))]
        public partial class ChatJson : JsonSerializerContext
        {
            public ChatJson() : base(null)
            {
            }

            public static ChatJson Default { get; } = new();

            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;

            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    /// <summary>
    /// Server push types: two <c>[ConsumerEvent]</c> records (one named, one by its snake_case type name), a plain record,
    /// and a hand-written context, <c>PushJson</c>, that lists all three.
    /// </summary>
    public const string Events = """
        using System;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using Consumers;

        namespace Chat;

        /// <summary>A line said in a room.</summary>
        [ConsumerEvent("chat_line")]
        public sealed record ChatLine(string User, string Text);

        [ConsumerEvent]
        public sealed record PresenceChanged(string User, bool Joined);

        public sealed record Notice(string Text);

        [JsonSerializable(typeof(ChatLine))]
        [JsonSerializable(typeof(PresenceChanged))]
        [JsonSerializable(typeof(Notice))]
        public partial class PushJson : JsonSerializerContext
        {
            public PushJson() : base(null)
            {
            }

            public static PushJson Default { get; } = new();

            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;

            public override JsonTypeInfo? GetTypeInfo(Type type) => null;

            public JsonTypeInfo<ChatLine> ChatLine => null!;

            public JsonTypeInfo<PresenceChanged> PresenceChanged => null!;

            public JsonTypeInfo<Notice> Notice => null!;
        }
        """;
}
