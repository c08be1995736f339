using System.Text.RegularExpressions;
using NUnit.Framework;
using static Consumers.Package.Tests.OutsideProjects;

namespace Consumers.Package.Tests;

/// <summary>
/// Every C# block of README.md holds against the packages: the first is built and run by
/// <see cref="ReadmeInstallTests"/>; each other one is compiled here, in one project outside the repository that
/// references the packed packages, inside the declarations it presumes (listed below per block: the types a fragment
/// names but does not declare); an excerpt of the chat sample (a block that elides code with <c>{ ... }</c>) must be
/// found, line by line, in the sample's file. A block this test does not know fails it: say how it is checked.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReadmeSnippetTests
{
    // What a fragment of the chat names: the models, DTOs and context, and a RoomConsumer whose generated client has
    // JoinRoomAsync(int, ClientCallOptions<MessageDto>).
    private const string ChatStub = """
        public sealed class Message
        {
            public int Id { get; set; }
            public int RoomId { get; set; }
            public string Text { get; set; } = "";
        }

        public sealed record RoomDto(int Pk, string Name);

        public sealed record MessageDto(int Pk, string User, string Text);

        [JsonSerializable(typeof(RoomDto))]
        [JsonSerializable(typeof(MessageDto))]
        public sealed partial class ChatJson : JsonSerializerContext;

        [JsonContext(typeof(ChatJson))]
        public sealed partial class RoomConsumer : Consumer
        {
            [ModelObserver<Message>(Group = "room:{RoomId}")]
            private static MessageDto MessageActivity(Message message) => new(message.Id, "", message.Text);

            [Action]
            public async Task<ActionResult<RoomDto>> JoinRoom(int pk, RequestContext request, CancellationToken cancellationToken)
            {
                await SubscribeMessageActivityAsync(pk, request, cancellationToken);
                return new RoomDto(pk, "lobby");
            }
        }
        """;

    private enum Check
    {
        /// <summary>Built and run by <see cref="ReadmeInstallTests"/>.</summary>
        RunByTheInstallTest,

        /// <summary>Namespace-level declarations, then (from <see cref="Snippet.SplitAt"/>) statements or consumer members.</summary>
        Declarations,

        /// <summary>Statements, run in a method that has <c>builder</c>, <c>app</c> and <c>groupSender</c>.</summary>
        Statements,

        /// <summary>Members of a class: <see cref="Snippet.Context"/> declares it (its body is <c>MEMBERS</c>).</summary>
        Members,

        /// <summary>Lines of the file <see cref="Snippet.Source"/>, with <c>{ ... }</c> for what is left out.</summary>
        Excerpt,

        /// <summary>Another library's API (<see cref="Snippet.Source"/> says which), shown for the reader: not compiled.</summary>
        OtherLibrary,
    }

    /// <param name="Key">Text found in this block alone.</param>
    /// <param name="SplitAt">Declarations: the line from which the rest are statements (or members, with a Context holding MEMBERS).</param>
    private sealed record Snippet(string Key, Check Check, string Context = "", string Usings = "", string? SplitAt = null, string? Source = null);

    private static readonly Snippet[] s_snippets =
    [
        new("builder.Services.AddScoped<CartStore>();", Check.RunByTheInstallTest),
        new("public sealed partial class ChatConsumer : Consumer", Check.Declarations, SplitAt: "app.MapConsumer<ChatConsumer>"),
        new("public async Task<ForecastDto> ForecastAsync(", Check.Members, """
            public sealed record ForecastDto(string City, double Celsius);

            public interface IWeather
            {
                Task<ForecastDto> GetAsync(string city, CancellationToken cancellationToken);
            }

            public interface ILlm
            {
                IAsyncEnumerable<string> CompleteAsync(string question, CancellationToken cancellationToken);
            }

            [JsonSerializable(typeof(ForecastDto))]
            public sealed partial class WeatherJson : JsonSerializerContext;

            [JsonContext(typeof(WeatherJson))]
            public sealed partial class AssistantConsumer(IWeather weather, ILlm llm) : Consumer
            {
                MEMBERS
            }
            """, "using System.Runtime.CompilerServices;"),
        new("public sealed partial class RoomConsumer(ChatDb db, RoomSerializer serializer, PresenceSweeper presence)", Check.Excerpt,
            Source: "samples/Chat/Consumers/RoomConsumer.cs"),
        new("[ConsumerEvent(\"presence\")]", Check.Excerpt, Source: "samples/Chat/Consumers/ChatJson.cs"),
        new("o.SecuritySchemes[\"cookie\"] = AsyncApiSecurityScheme.Cookie(", Check.Statements, ChatStub, "using Consumers.Contracts;"),
        new("RoomConsumerClient.ConnectAsync(", Check.Statements, ChatStub, "using System.Net.Http.Json;\nusing System.Text.Json;\nusing Consumers.Clients;"),
        new("[ModelObserver<Message>(GroupsMethod = nameof(TagsOf))]", Check.Members, """
            public sealed class Message
            {
                public int Id { get; set; }
                public int RoomId { get; set; }
                public int AuthorId { get; set; }
                public string Text { get; set; } = "";
                public List<string> Tags { get; } = [];
            }

            public sealed record MessageDto(int Id, string Text);

            [JsonSerializable(typeof(MessageDto))]
            public sealed partial class ChatJson : JsonSerializerContext;

            [JsonContext(typeof(ChatJson))]
            public sealed partial class FeedConsumer : Consumer
            {
                MEMBERS
            }
            """),
        new("await groupSender.SendAsync(\"lobby\"", Check.Declarations, """
            public sealed record Line(string Text);

            [JsonSerializable(typeof(Line))]
            public sealed partial class ChatJson : JsonSerializerContext;
            """, SplitAt: "// from a controller or a background service"),
        new("[GroupEvent]", Check.Declarations, """
            public sealed record ChatLine(string From, string Text, bool Mine);

            [JsonSerializable(typeof(ChatMessage))]
            [JsonSerializable(typeof(ChatLine))]
            public sealed partial class ChatJson : JsonSerializerContext;

            [JsonContext(typeof(ChatJson))]
            public sealed partial class RoomConsumer : Consumer
            {
                private string Room => "lobby";

                private string User => Context.User.Identity?.Name ?? "";

                private HashSet<string> Muted { get; } = [];

                MEMBERS
            }
            """, SplitAt: "[Action] public ValueTask Say("),
        new("AddNatsGroupLayer(builder.Configuration);", Check.Statements),
        new("builder.Services.AddOpenTelemetry()", Check.OtherLibrary, Source: "OpenTelemetry.Extensions.Hosting (OpenTelemetry's SDK), which the packages do not reference"),
        new("public sealed class IsRoomMember : BasePermission", Check.Declarations, Usings: "using Consumers.Security;\nusing Microsoft.AspNetCore.Authorization;"),
        new("public sealed class ConflictsAre409 : IConsumerFilter", Check.Declarations, Usings: "using System.ComponentModel.DataAnnotations;\nusing Consumers.Security;",
            SplitAt: "builder.Services.AddConsumers(o => o.AddFilter<ConflictsAre409>());"),
        new("AddJwtBearer(o => o.Events = new JwtBearerEvents", Check.Statements, Usings: "using Microsoft.AspNetCore.Authentication.JwtBearer;"),
        new("public async Task CreateMessage_IsPushedToWhoeverJoinedTheRoom()", Check.Members, ChatStub + """

            public sealed class ReadmeTests
            {
                MEMBERS
            }
            """, "using Consumers.Testing.Authentication;\nusing Consumers.Testing.Hosting;\nusing Microsoft.AspNetCore.Mvc.Testing;\nusing NUnit.Framework;"),
    ];

    [Test]
    public void ReadmeCSharpBlocks_EachCompiles_OrIsAnExcerptOfTheSample()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var blocks = Regex.Matches(readme, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Select(m => Dedent(m.Groups["code"].Value)).ToList();
        var files = new Dictionary<string, string>();
        var excerpts = new List<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var matches = s_snippets.Where(s => block.Contains(s.Key, StringComparison.Ordinal)).ToList();
            Assert.That(matches, Has.Count.EqualTo(1), $"README.md's C# block {i} should match one entry of ReadmeSnippetTests (say how it is checked):\n{block}");
            var snippet = matches[0];
            switch (snippet.Check)
            {
                case Check.RunByTheInstallTest:
                    Assert.That(i, Is.Zero, "the install test runs the first block");
                    break;
                case Check.OtherLibrary:
                    Assert.That(block, Does.Contain("AddMeter(\"Consumers\")"), snippet.Source);
                    break;
                case Check.Excerpt:
                    excerpts.AddRange(MissingLines(block, snippet.Source!));
                    break;
                default:
                    files[$"Readme{i}.cs"] = SourceOf(i, block, snippet);
                    break;
            }
        }

        Assert.That(s_snippets.Where(s => !blocks.Any(b => b.Contains(s.Key, StringComparison.Ordinal))).Select(s => s.Key), Is.Empty, "entries whose block is gone");
        Assert.That(excerpts, Is.Empty, "lines of an excerpt that its file does not have");

        var project = CreateProject("readme-snippets", outputType: "Exe", program: "Console.WriteLine(\"README snippets\");\n", packages: """
            <PackageReference Include="Consumers.Nats" Version="{version}" />
            <PackageReference Include="Consumers.Testing" Version="{version}" />
            <PackageReference Include="Microsoft.AspNetCore.Authentication.JwtBearer" Version="10.0.15" />
            <PackageReference Include="NUnit" Version="4.4.0" />
            """);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(project, name), text);
        }

        var result = Run(project, "dotnet", "build -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(Warnings(result.Output), Is.Empty, result.Output);
    }

    [Test]
    public void Readme_SecurityEventIds_AreTheRangeOfSecurityLog()
    {
        var log = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Consumers.Runtime", "Security", "SecurityLog.cs"));
        var ids = Regex.Matches(log, @"\[LoggerMessage\((?<id>\d+),").Select(m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var range = Regex.Match(readme, @"logged with EventIds (?<from>\d+)-(?<to>\d+)");

        Assert.That(range.Success, Is.True, "README.md names the security EventIds");
        Assert.That(ids, Is.EquivalentTo(Enumerable.Range(int.Parse(range.Groups["from"].Value), int.Parse(range.Groups["to"].Value) - int.Parse(range.Groups["from"].Value) + 1)));
    }

    // One file: the usings, a namespace of its own, the presumed declarations, and the block as declarations,
    // members or statements. "{ ... }" (code left out) becomes a body that throws, "..." as an argument a default.
    private static string SourceOf(int index, string block, Snippet snippet)
    {
        var code = block.Replace("{ ... }", "{ throw new System.NotImplementedException(); }", StringComparison.Ordinal)
            .Replace(", ...)", ", default!)", StringComparison.Ordinal);
        var declarations = "";
        var rest = code;
        if (snippet.Check == Check.Declarations)
        {
            var split = snippet.SplitAt is null ? -1 : code.IndexOf(snippet.SplitAt, StringComparison.Ordinal);
            Assert.That(snippet.SplitAt is null || split >= 0, Is.True, $"block {index} has no line '{snippet.SplitAt}'");
            (declarations, rest) = split < 0 ? (code, "") : (code[..split], code[split..]);
        }

        var members = snippet.Context.Contains("MEMBERS", StringComparison.Ordinal);
        var statements = snippet.Check == Check.Statements || (snippet.Check == Check.Declarations && !members) ? rest : "";
        var context = members ? snippet.Context.Replace("MEMBERS", snippet.Check == Check.Members ? code : rest, StringComparison.Ordinal) : snippet.Context;

        // System.Text.Json's generator names its files by the context's simple name: one ChatJson per project, so
        // each block's is ChatJson and its index.
        return Regex.Replace($$"""
            using System.Text.Json.Serialization;
            using Consumers;
            {{snippet.Usings}}

            namespace Readme{{index}};

            {{context}}

            {{declarations}}

            public static class Snippet
            {
                public static async Task RunAsync(WebApplicationBuilder builder, WebApplication app, IGroupSender groupSender)
                {
                    {{statements}}
                    await Task.CompletedTask;
                }
            }
            """, @"\bChatJson\b", "ChatJson" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // The lines of an excerpt (comments and "{ ... }" set aside) that the file lacks, whitespace runs read as one space.
    private static IEnumerable<string> MissingLines(string block, string source)
    {
        var file = Normalize(File.ReadAllText(Path.Combine(RepositoryRoot(), source)));
        foreach (var raw in block.Split('\n'))
        {
            var line = Regex.Replace(raw, @"\s+//.*$", "");
            var elided = line.IndexOf("{ ... }", StringComparison.Ordinal);
            line = Normalize(elided >= 0 ? line[..elided] : line);
            if (line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal) && !file.Contains(line, StringComparison.Ordinal))
            {
                yield return $"{source}: {line}";
            }
        }
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    // A block inside a list item is indented: take the indentation of its first line off every line.
    private static string Dedent(string code)
    {
        var indent = code.Length - code.TrimStart(' ').Length;
        return indent == 0 ? code : string.Join('\n', code.Split('\n').Select(l => l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l.TrimStart()));
    }
}
