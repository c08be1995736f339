using System.Diagnostics;
using System.IO.Compression;
using NUnit.Framework;
using static Consumers.Package.Tests.OutsideProjects;

namespace Consumers.Package.Tests;

/// <summary>
/// The NuGet packages as a user gets them: a project outside this repository that references only the
/// <c>Consumers</c> package from a local folder source gets the attributes, the runtime and the generator.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageTests
{
    private static string RuntimePackage => PackedFeed.Package("Consumers");

    private static string NatsPackage => PackedFeed.Package("Consumers.Nats");

    private static string TestingPackage => PackedFeed.Package("Consumers.Testing");

    private static string EfPackage => PackedFeed.Package("Consumers.EntityFrameworkCore");

    [Test]
    public void Pack_PutsEveryShippedPackage_InTheFeed_AtTheRepositorysVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        Assert.That(props, Does.Contain($"<Version>{PackedFeed.Version}</Version>"));
        Assert.That(Directory.GetFiles(PackedFeed.Feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            $"Consumers.{PackedFeed.Version}.nupkg",
            $"Consumers.EntityFrameworkCore.{PackedFeed.Version}.nupkg",
            $"Consumers.Nats.{PackedFeed.Version}.nupkg",
            $"Consumers.Templates.{PackedFeed.Version}.nupkg",
            $"Consumers.Testing.{PackedFeed.Version}.nupkg",
        }));
    }

    [Test]
    public void TemplatesPackage_IsATemplatePackage_WhoseProjectsAskForThePackagesPackedWithIt()
    {
        var package = PackedFeed.Package("Consumers.Templates");
        using var zip = ZipFile.OpenRead(package);
        var projects = zip.Entries.Where(e => e.FullName.EndsWith(".csproj", StringComparison.Ordinal))
            .ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
        Assert.Multiple(() =>
        {
            Assert.That(Nuspec(package), Does.Contain("<packageType name=\"Template\" />"));
            Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("content/consumers-app/.template.config/template.json")
                .And.Contain("content/consumers-tests/.template.config/template.json"));
            Assert.That(projects.Keys, Is.EquivalentTo(new[] { "content/consumers-app/ConsumersApp.csproj", "content/consumers-tests/TemplateTests.csproj" }));
            Assert.That(projects.Values, Has.All.Not.Contain("CONSUMERS_VERSION"));
            Assert.That(projects["content/consumers-app/ConsumersApp.csproj"], Does.Contain($"<PackageReference Include=\"Consumers\" Version=\"{PackedFeed.Version}\" />"));
            Assert.That(projects["content/consumers-tests/TemplateTests.csproj"], Does.Contain($"<PackageReference Include=\"Consumers.Testing\" Version=\"{PackedFeed.Version}\" />"));
        });
    }

    [Test]
    public void Package_CarriesTheRuntimeAndTheGenerator()
    {
        using var zip = ZipFile.OpenRead(RuntimePackage);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(entries, Does.Contain("lib/net10.0/Consumers.dll"));
            Assert.That(entries, Does.Contain("lib/net10.0/Consumers.xml"));
            Assert.That(entries, Does.Contain("analyzers/dotnet/cs/Consumers.Generators.dll"));
            Assert.That(entries, Does.Contain("analyzers/dotnet/cs/Consumers.CodeFixes.dll"));
            Assert.That(entries, Does.Contain("build/Consumers.targets"));
            Assert.That(entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators")), Is.Empty, "the generator is not a runtime dependency");
        });
    }

    [Test]
    public void RuntimePackage_DependsOnNothingNats()
        => Assert.That(Nuspec(RuntimePackage), Does.Not.Contain("nats").IgnoreCase);

    [Test]
    public void NatsPackage_CarriesTheLayer_OnNatsClientCore332_AndBringsTheRuntimeWithItsGenerator()
    {
        using var zip = ZipFile.OpenRead(NatsPackage);
        var nuspec = Nuspec(NatsPackage);
        Assert.Multiple(() =>
        {
            Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/Consumers.Nats.dll").And.Contain("lib/net10.0/Consumers.Nats.xml"));
            Assert.That(nuspec, Does.Contain("<dependency id=\"NATS.Client.Core\" version=\"3.3.2\""));
            Assert.That(nuspec, Does.Contain("<dependency id=\"Consumers\" version=\"0.1.0\" include=\"All\""), "all assets: the generator (an analyzer) flows to the app");
        });
    }

    [Test]
    public void TestingPackage_CarriesTheKit_DependsOnConsumersAndMvcTesting_AndOnNoTestFramework()
    {
        using var zip = ZipFile.OpenRead(TestingPackage);
        var nuspec = Nuspec(TestingPackage);
        Assert.Multiple(() =>
        {
            Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/Consumers.Testing.dll").And.Contain("lib/net10.0/Consumers.Testing.xml"));
            Assert.That(nuspec, Does.Contain("<dependency id=\"Consumers\" version=\"0.1.0\" include=\"All\""));
            Assert.That(nuspec, Does.Contain("<dependency id=\"Microsoft.AspNetCore.Mvc.Testing\" version=\"10.0.15\" include=\"All\""), "its build targets copy the app's deps file");
            Assert.That(nuspec, Does.Not.Contain("nunit").IgnoreCase.And.Not.Contain("xunit").IgnoreCase.And.Not.Contain("mstest").IgnoreCase);
        });
    }

    [TestCase("nunit", 6, TestName = "OutsideNUnitProject_OfDocsTesting_ReferencingOnlyTheConsumersAndTestingPackages_TestsItsConsumer")]
    [TestCase("xunit", 4, TestName = "OutsideXunitProject_OfDocsTesting_ReferencingOnlyTheConsumersAndTestingPackages_TestsItsConsumer")]
    public void OutsideTestProject_OfDocsTesting_TestsItsConsumer(string framework, int tests)
    {
        // docs/testing.md's app and test examples, as written there: the page cannot drift from the packages.
        var app = CreateProject("shop-" + framework, outputType: "Exe", program: DocsExample("app"));
        var project = CreateTestProject("shop-" + framework + ".tests", app, framework, DocsExample(framework));

        var result = Run(project, "dotnet", "test -c Release");

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain($"Passed!  - Failed:     0, Passed:     {tests},"), result.Output);
    }

    [Test]
    public void ProjectReferencingOnlyThePackage_BuildsAConsumer()
    {
        var project = CreateProject("good", outputType: "Exe", program: """
            using Consumers;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddConsumers();
            var app = builder.Build();
            app.MapConsumer<Shop.CartConsumer>("/ws/cart");

            namespace Shop
            {
                public sealed partial class CartConsumer : Consumer
                {
                    [Action]
                    public int AddItem(int itemId, int quantity = 1) => itemId * quantity;
                }
            }
            """);
        var result = Run(project, "dotnet", "build -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public void ConsumersClientOutputPath_WritesTheGeneratedClient_ThroughThePackagesTargets()
    {
        var project = CreateProject("client", outputType: "Library", program: """
            using Consumers;

            namespace Shop
            {
                public sealed partial class CartConsumer : Consumer
                {
                    [Action]
                    public int AddItem(int itemId, int quantity = 1) => itemId * quantity;
                }
            }
            """);
        var result = Run(project, "dotnet", "build -c Release -p:ConsumersClientOutputPath=web/generated");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(project, "web", "generated", "client.js")), Does.Contain("addItem(params, options) {"));
            Assert.That(File.ReadAllText(Path.Combine(project, "web", "generated", "client.d.ts")), Does.Contain("addItem(params: { item_id: number; quantity?: number }"));
        });
    }

    [Test]
    public void BadActionSignature_FailsTheBuildWithItsDiagnostic()
    {
        var project = CreateProject("bad", outputType: "Library", program: """
            using Consumers;

            namespace Shop
            {
                public sealed partial class CartConsumer : Consumer
                {
                    [Action]
                    public static int AddItem(int itemId) => itemId;
                }
            }
            """);
        var result = Run(project, "dotnet", "build -c Release");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Output, Does.Contain("error CONS0003"));
            Assert.That(result.Output, Does.Not.Contain("error CS"), "only the Consumers diagnostic");
            Assert.That(result.Output, Does.Contain("Program.cs(8,16)"), "the squiggle is on the 'static' keyword");
        });
    }

    [Test]
    public void MisspeltGroupTemplateMember_FailsTheBuildWithCONS0031NamingTheNearMiss_AndNothingElse()
    {
        var project = CreateProject("misspelt", outputType: "Library", program: """
            using Consumers;

            namespace Boards
            {
                public sealed class Card
                {
                    public int Id { get; set; }
                    public int BoardId { get; set; }
                }

                public sealed record CardDto(int Id);

                [System.Text.Json.Serialization.JsonSerializable(typeof(CardDto))]
                public sealed partial class BoardJson : System.Text.Json.Serialization.JsonSerializerContext;

                [JsonContext(typeof(BoardJson))]
                public sealed partial class BoardConsumer : Consumer
                {
                    [ModelObserver<Card>(Group = "board:{BordId}")]
                    private static CardDto CardChanges(Card card) => new(card.Id);

                    [Action]
                    public ValueTask Watch(int boardId, RequestContext request) => SubscribeCardChangesAsync(boardId, request);
                }
            }
            """);
        var result = Run(project, "dotnet", "build -c Release");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Output, Does.Contain("error CONS0031: The group template \"board:{BordId}\" of observer 'CardChanges' names 'BordId', which is not a public instance property or field of 'Card': did you mean {BoardId}?"));
            Assert.That(result.Output, Does.Not.Contain("error CS"), "no follow-on compiler error (CS0103) at the call of the rejected observer's subscribe method");
        });
    }

    private const string PlainRecordsApp = """
        using Consumers;

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddConsumers();
        var app = builder.Build();
        app.MapConsumer<Shop.RoomConsumer>("/ws/rooms");
        app.Run();

        namespace Shop
        {
            public sealed record CreateRoom(string DisplayName, int? Capacity = null);

            public sealed record RoomDto(int RoomId, string DisplayName, int Capacity);

            public sealed partial class RoomConsumer : Consumer
            {
                [Action]
                public RoomDto Create(CreateRoom data) => new(7, data.DisplayName, data.Capacity ?? 10);
            }
        }
        """;

    [Test]
    public async Task PlainRecords_BuildWithAWarningPerType_AndAnswerSnakeCase_AndRefuseAMissingMember()
    {
        var project = CreateProject("plain", outputType: "Exe", program: PlainRecordsApp, treatWarningsAsErrors: false);
        var result = Run(project, "dotnet", "build -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var warnings = Warnings(result.Output);
        Assert.That(warnings.Select(w => w.Code), Is.EqualTo(new[] { "CONS0055", "CONS0055" }), result.Output);
        Assert.That(warnings.Select(w => w.Text), Has.Some.Contains("'Shop.CreateRoom'").And.Some.Contains("'Shop.RoomDto'"));

        await using var server = await RunningApp.StartAsync("dotnet", Path.Combine(project, "bin", "Release", "net10.0", "plain.dll"), project);
        using var socket = await server.ConnectAsync("/ws/rooms");
        {
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"display_name": "Lobby"}, "request_id": 1}"""),
                Is.EqualTo("""{"errors":[],"data":{"room_id":7,"display_name":"Lobby","capacity":10},"action":"create","response_status":200,"request_id":1}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"name": "Lobby"}, "request_id": 2}"""),
                Is.EqualTo("""{"errors":[{"display_name":["This field is required."]}],"data":null,"action":"create","response_status":400,"request_id":2}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"display_name": null}, "request_id": 3}"""),
                Is.EqualTo("""{"errors":[{"display_name":["This field may not be null."]}],"data":null,"action":"create","response_status":400,"request_id":3}"""));
        }
    }

    [TestCase("PublishAot")]
    [TestCase("IsAotCompatible")]
    public void PlainRecords_InAnAotBuild_FailWithCONS0012(string property)
    {
        var project = CreateProject("plain-aot-" + property, outputType: "Exe", program: PlainRecordsApp, treatWarningsAsErrors: false);
        var result = Run(project, "dotnet", $"build -c Release -p:{property}=true");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
            Assert.That(result.Output, Does.Contain("error CONS0012"));
            Assert.That(result.Output, Does.Contain("'Shop.CreateRoom'"));
            Assert.That(result.Output, Does.Not.Contain("CONS0055"));
        });
    }

    [Test]
    public async Task NativeAotPublish_OfAConsumerWithAJsonContext_AFilterAndValidation_HasNoWarnings_AndAnswers()
    {
        // The plain-records app made AOT-ready: its DTOs listed in a context the consumer names.
        var program = "using System.Text.Json.Serialization;\n" + PlainRecordsApp.Replace(
            "    public sealed partial class RoomConsumer : Consumer",
            """
                [JsonSerializable(typeof(CreateRoom))]
                [JsonSerializable(typeof(RoomDto))]
                public sealed partial class ShopJson : JsonSerializerContext;

                [JsonContext(typeof(ShopJson))]
                public sealed partial class RoomConsumer : Consumer
            """, StringComparison.Ordinal);
        // And a stream and a concurrent action, whose dispatch goes through the runtime's detached calls.
        program = program.Replace(
            "public RoomDto Create(CreateRoom data) => new(7, data.DisplayName, data.Capacity ?? 10);",
            """
            public RoomDto Create(CreateRoom data) => new(7, data.DisplayName, data.Capacity ?? 10);

                    [Action]
                    public async System.Collections.Generic.IAsyncEnumerable<RoomDto> Rooms(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] System.Threading.CancellationToken cancellationToken = default)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            await System.Threading.Tasks.Task.Yield();
                            yield return new(i, "room " + i, i);
                        }
                    }

                    [Action(Concurrent = true)]
                    public async System.Threading.Tasks.Task<int> Twice(int n, System.Threading.CancellationToken cancellationToken)
                    {
                        await System.Threading.Tasks.Task.Delay(1, cancellationToken);
                        return 2 * n;
                    }
            """, StringComparison.Ordinal);
        // And a global filter that reads an argument, and a DTO with DataAnnotations (checked by generated code).
        program = program
            .Replace("builder.Services.AddConsumers();", "builder.Services.AddConsumers(o => o.AddFilter<Shop.TwiceLimit>());", StringComparison.Ordinal)
            .Replace(
                "public sealed record CreateRoom(string DisplayName, int? Capacity = null);",
                """
                public sealed record CreateRoom(string DisplayName, [property: System.ComponentModel.DataAnnotations.Range(1, 100)] int? Capacity = null);

                    public sealed class TwiceLimit : IConsumerFilter
                    {
                        public System.Threading.Tasks.ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
                            => context.Action == "twice" && context.Arguments.Get<int>(context.Arguments.IndexOf("n")) > 1000
                                ? System.Threading.Tasks.ValueTask.FromResult(ActionResult.Error(429, "Too big."))
                                : next(context);
                    }
                """, StringComparison.Ordinal);
        Assert.That(program, Does.Contain("[JsonContext(typeof(ShopJson))]").And.Contain("IAsyncEnumerable<RoomDto> Rooms").And.Contain("AddFilter<Shop.TwiceLimit>").And.Contain("Range(1, 100)"));
        var project = CreateProject("native", outputType: "Exe", program: program);
        var result = Run(project, "dotnet", "publish -c Release -p:PublishAot=true -o out", TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0 && (result.Output.Contains("clang", StringComparison.Ordinal) || result.Output.Contains("linker", StringComparison.OrdinalIgnoreCase)) && result.Output.Contains("NETSDK", StringComparison.Ordinal))
        {
            Assert.Fail("Native AOT needs a C toolchain: install clang (or gcc) and zlib1g-dev (apt-get install clang zlib1g-dev).\n" + result.Output);
        }

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(Warnings(result.Output), Is.Empty, "no trim or AOT warnings");

        await using var server = await RunningApp.StartAsync(Path.Combine(project, "out", "native"), null, project);
        using var socket = await server.ConnectAsync("/ws/rooms");
        {
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"display_name": "Lobby", "capacity": 3}, "request_id": "a"}"""),
                Is.EqualTo("""{"errors":[],"data":{"room_id":7,"display_name":"Lobby","capacity":3},"action":"create","response_status":200,"request_id":"a"}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"name": "Lobby"}, "request_id": "b"}"""),
                Is.EqualTo("""{"errors":[{"display_name":["This field is required."]}],"data":null,"action":"create","response_status":400,"request_id":"b"}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "rooms", "count": 2, "request_id": "s"}"""),
                Is.EqualTo("""{"errors":[],"data":{"room_id":0,"display_name":"room 0","capacity":0},"action":"rooms","response_status":200,"request_id":"s"}"""));
            Assert.That(await RunningApp.ReceiveAsync(socket),
                Is.EqualTo("""{"errors":[],"data":{"room_id":1,"display_name":"room 1","capacity":1},"action":"rooms","response_status":200,"request_id":"s"}"""));
            Assert.That(await RunningApp.ReceiveAsync(socket), Is.EqualTo("""{"errors":[],"data":null,"action":"rooms","response_status":204,"request_id":"s"}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "twice", "n": 21, "request_id": "t"}"""),
                Is.EqualTo("""{"errors":[],"data":42,"action":"twice","response_status":200,"request_id":"t"}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "twice", "n": 5000, "request_id": "f"}"""),
                Is.EqualTo("""{"errors":["Too big."],"data":null,"action":"twice","response_status":429,"request_id":"f"}"""));
            Assert.That(await RunningApp.RequestAsync(socket, """{"action": "create", "data": {"display_name": "Lobby", "capacity": 0}, "request_id": "v"}"""),
                Is.EqualTo("""{"errors":[{"capacity":["The field Capacity must be between 1 and 100."]}],"data":null,"action":"create","response_status":400,"request_id":"v"}"""));
        }
    }

    [Test]
    public void Packages_CarryTheReadme_AndTheRepositoryUrl()
    {
        Assert.Multiple(() =>
        {
            foreach (var package in new[] { RuntimePackage, NatsPackage, EfPackage })
            {
                using var zip = ZipFile.OpenRead(package);
                var nuspec = Nuspec(package);
                Assert.That(zip.Entries.Select(e => e.FullName), Does.Contain("README.md"), package);
                Assert.That(nuspec, Does.Contain("<readme>README.md</readme>"), package);
                Assert.That(nuspec, Does.Contain("<repository type=\"git\" url=\"https://github.com/consumers-dotnet/consumers\""), package);
                Assert.That(nuspec, Does.Contain("<projectUrl>https://github.com/consumers-dotnet/consumers</projectUrl>"), package);
            }
        });
    }

    [Test]
    public void GettingStarted_SnippetsBuildAsOneApp()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "getting-started.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(page, "```csharp\n(?<code>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups["code"].Value)
            .ToList();
        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(5));
        // §1's pinned EF Core (an unpinned `dotnet add package` takes 11.x, which does not restore on net10.0).
        var efCore = System.Text.RegularExpressions.Regex.Match(page, @"dotnet add package Microsoft\.EntityFrameworkCore\.Sqlite --version (?<v>10\.[0-9.]+)").Groups["v"].Value;
        Assert.That(efCore, Is.Not.Empty, "getting-started pins EF Core 10");
        var project = CreateProject("getting-started", outputType: "Exe", program: "", packages: $$"""
            <PackageReference Include="Consumers.EntityFrameworkCore" Version="{version}" />
            <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="{{efCore}}" />
            """);
        File.Delete(Path.Combine(project, "Program.cs"));
        foreach (var block in blocks)
        {
            var header = System.Text.RegularExpressions.Regex.Match(block, @"^// (?<file>[A-Za-z]+\.cs)\n");
            Assert.That(header.Success, Is.True, "each C# block starts with '// File.cs':\n" + block);
            File.WriteAllText(Path.Combine(project, header.Groups["file"].Value), block);
        }

        var result = Run(project, "dotnet", "build -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(Warnings(result.Output), Is.Empty);
    }
}
