using System.Diagnostics;
using System.IO.Compression;
using NUnit.Framework;

namespace Consumers.Package.Tests;

/// <summary>
/// The NuGet packages as a user gets them: a project outside this repository that references only the
/// <c>Consumers</c> package from a local folder source gets the attributes, the runtime and the generator.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageTests
{
    private string _work = null!;
    private string _feed = null!;
    private string _package = null!;
    private string _natsPackage = null!;
    private string _testingPackage = null!;
    private string _efFeed = null!;
    private string _efPackage = null!;

    [OneTimeSetUp]
    public void Pack()
    {
        _work = Directory.CreateTempSubdirectory("consumers-package-").FullName;
        _feed = Path.Combine(_work, "feed");
        var configuration = typeof(PackageTests).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var result = Run(RepositoryRoot(), "dotnet", $"pack src/Consumers.Runtime -c {configuration} --no-build -o \"{_feed}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        _package = Directory.GetFiles(_feed, "Consumers.*.nupkg").Single();

        // Consumers.Nats packs into a folder of its own: "Consumers.*" above must keep matching one package.
        var natsFeed = Path.Combine(_work, "nats-feed");
        result = Run(RepositoryRoot(), "dotnet", $"pack src/Consumers.Nats -c {configuration} --no-build -o \"{natsFeed}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        _natsPackage = Directory.GetFiles(natsFeed, "Consumers.Nats.*.nupkg").Single();

        // The test kit goes into the main feed: an outside test project restores Consumers and Consumers.Testing from it.
        result = Run(RepositoryRoot(), "dotnet", $"pack src/Consumers.Testing -c {configuration} --no-build -o \"{_feed}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        _testingPackage = Directory.GetFiles(_feed, "Consumers.Testing.*.nupkg").Single();
        _efFeed = Path.Combine(_work, "ef-feed");
        result = Run(RepositoryRoot(), "dotnet", $"pack src/Consumers.EntityFrameworkCore -c {configuration} --no-build -o \"{_efFeed}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        _efPackage = Directory.GetFiles(_efFeed, "Consumers.EntityFrameworkCore.*.nupkg").Single();
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_work, recursive: true);

    [Test]
    public void Package_CarriesTheRuntimeAndTheGenerator()
    {
        using var zip = ZipFile.OpenRead(_package);
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
        => Assert.That(Nuspec(_package), Does.Not.Contain("nats").IgnoreCase);

    [Test]
    public void NatsPackage_CarriesTheLayer_OnNatsClientCore332_AndBringsTheRuntimeWithItsGenerator()
    {
        using var zip = ZipFile.OpenRead(_natsPackage);
        var nuspec = Nuspec(_natsPackage);
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
        using var zip = ZipFile.OpenRead(_testingPackage);
        var nuspec = Nuspec(_testingPackage);
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
    public async Task NativeAotPublish_OfAConsumerWithAJsonContext_HasNoWarnings_AndAnswers()
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
        Assert.That(program, Does.Contain("[JsonContext(typeof(ShopJson))]"));
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
        }
    }

    // "path(line,col): warning CODE: text [project]" and ILC's "Trim analysis warning IL2026: ...", each listed once (the build repeats them in its summary).
    private static List<(string Code, string Text)> Warnings(string output)
        => [.. output.Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"\bwarning (?<code>[A-Z]+[0-9]+): (?<text>.*)$"))
            .Where(m => m.Success)
            .Select(m => (m.Groups["code"].Value, m.Groups["text"].Value.Trim()))
            .Distinct()];

    [Test]
    public void Packages_CarryTheReadme_AndTheRepositoryUrl()
    {
        Assert.Multiple(() =>
        {
            foreach (var package in new[] { _package, _natsPackage, _efPackage })
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
        var project = CreateProject("getting-started", outputType: "Exe", program: "", packages: """
            <PackageReference Include="Consumers.EntityFrameworkCore" Version="{version}" />
            <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="10.0.14" />
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

    [Test]
    public void ReadmeFirstSample_IsSelfContained_AndBuildsAsAnApp()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var first = System.Text.RegularExpressions.Regex.Match(readme, "```csharp\n(?<code>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups["code"].Value;
        var project = CreateProject("readme", outputType: "Exe", program: first);
        var result = Run(project, "dotnet", "build -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    private string CreateProject(string name, string outputType, string program, bool treatWarningsAsErrors = true, string packages = "")
    {
        var directory = Path.Combine(_work, name);
        Directory.CreateDirectory(directory);
        var version = Path.GetFileNameWithoutExtension(_package)["Consumers.".Length..];
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Consumers" Version="{version}" />
                {packages.Replace("{version}", version)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_feed}" />
                <add key="local-ef" value="{_efFeed}" />
                <add key="machine" value="{MachinePackages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Consumers" /><package pattern="Consumers.*" /></packageSource>
                <packageSource key="local-ef"><package pattern="Consumers.EntityFrameworkCore" /></packageSource>
                <packageSource key="machine"><package pattern="*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        // Outside the repository, so that its Directory.Build.props does not apply.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    /// <summary>
    /// An NUnit project next to <paramref name="app"/> that references it and the Consumers.Testing package. Test
    /// frameworks come from the machine's package folder, else the configured feed; Consumers packages only from the local feed.
    /// </summary>
    // The machine's fixed package folder (xunit and its runner), where there is one.
    private const string SdkPackages = "/opt/nuget/packages";

    private string CreateTestProject(string name, string app, string framework, string code)
    {
        var directory = Path.Combine(_work, name);
        Directory.CreateDirectory(directory);
        var version = Path.GetFileNameWithoutExtension(_package)["Consumers.".Length..];
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsTestProject>true</IsTestProject>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Consumers.Testing" Version="{version}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="17.14.1" />
                {(framework == "nunit"
                    ? """<PackageReference Include="NUnit" Version="4.4.0" /><PackageReference Include="NUnit3TestAdapter" Version="5.2.0" />"""
                    : """<PackageReference Include="xunit" Version="2.9.3" /><PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />""")}
                <ProjectReference Include="{Path.Combine(app, Path.GetFileName(app) + ".csproj")}" />
              </ItemGroup>
            </Project>
            """);
        var machinePackages = MachinePackages;
        var config = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_feed}" />
                <add key="machine" value="{machinePackages}" />
                {(Directory.Exists(SdkPackages) ? $"<add key=\"sdk-folder\" value=\"{SdkPackages}\" />" : "")}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="Consumers" />
                  <package pattern="Consumers.*" />
                </packageSource>
                <packageSource key="machine">
                  <package pattern="*" />
                </packageSource>
                {(Directory.Exists(SdkPackages) ? "<packageSource key=\"sdk-folder\"><package pattern=\"*\" /></packageSource>" : "")}
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), config);

        // The app restores beside it: the same sources.
        File.WriteAllText(Path.Combine(app, "nuget.config"), config);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Tests.cs"), code);
        return directory;
    }

    /// <summary>The C# block after <c>&lt;!-- example: NAME --&gt;</c> in docs/testing.md.</summary>
    private static string DocsExample(string name)
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "testing.md"));
        var marker = page.IndexOf($"<!-- example: {name} -->", StringComparison.Ordinal);
        Assert.That(marker, Is.Not.Negative, $"docs/testing.md has no example '{name}'");
        var start = page.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = page.IndexOf("\n```\n", start, StringComparison.Ordinal);
        return page[start..end] + "\n";
    }

    // What Native AOT restores (ILCompiler, runtime packs) from the machine's package folder, which is laid out as a
    // feed, or, on a machine that has not restored them yet, from the NuGet feed; the Consumers packages only ever come
    // from the test's own feed.
    private static string MachinePackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private (int ExitCode, string Output) Run(string directory, string file, string arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // A private package cache: a Consumers package of the same version from an earlier run must not be reused.
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_work, "packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {arguments}' did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalMinutes} minutes.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    private static string Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Consumers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Consumers.sln not found above " + AppContext.BaseDirectory);
    }
}
