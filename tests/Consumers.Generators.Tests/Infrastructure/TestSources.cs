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
}
