using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using static Consumers.Package.Tests.OutsideProjects;

namespace Consumers.Package.Tests;

/// <summary>
/// The README's Install section, run as a newcomer runs it on a machine that has never seen Consumers (a fresh home
/// folder: no NuGet configuration but the one the commands write), then its first example built and answering the
/// request the README shows with the reply it shows.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReadmeInstallTests
{
    [Test]
    public async Task ReadmeInstallCommands_InAnEmptyFolder_GiveAnAppThatAnswersAsTheFirstExampleSays()
    {
        var commands = ReadmeInstall.Commands();
        Assert.That(commands, Has.Count.EqualTo(3), "three commands: pack, add the source, add the package");
        Assert.That(commands[1], Does.StartWith("dotnet nuget add source \"$PWD/artifacts/packages\""));
        Assert.That(commands[2], Is.EqualTo("dotnet add package Consumers"));
        Assert.That(ReadmeInstall.Section(), Does.Contain($"(version {PackedFeed.Version})"), "the version the README names is the one packed");

        // The first command (build/pack.sh) packed the feed for every package test (PackedFeed). A home of its own:
        // the user-wide NuGet.Config the second command writes, and the dotnet CLI's first-run files, land there.
        var home = Directory.CreateDirectory(Path.Combine(PackedFeed.Work, "readme-home")).FullName;
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home };
        var result = Shell(RepositoryRoot(), commands[1], environment);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var userConfig = File.ReadAllText(Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"));
        Assert.That(userConfig, Does.Contain(PackedFeed.Feed), "the packages' folder is a source now");

        // "in your project (e.g. dotnet new web -o MyApp && cd MyApp)": an empty folder outside the repository.
        var folder = Directory.CreateDirectory(Path.Combine(PackedFeed.Work, "readme-install")).FullName;
        Assert.That(ReadmeInstall.Section(), Does.Contain("dotnet new web -o MyApp && cd MyApp"));
        result = Run(folder, "dotnet", "new web -o MyApp", environment: environment);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var project = Path.Combine(folder, "MyApp");
        result = Shell(project, commands[2], environment);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(File.ReadAllText(Path.Combine(project, "MyApp.csproj")), Does.Contain($"<PackageReference Include=\"Consumers\" Version=\"{PackedFeed.Version}\" />"));

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        File.WriteAllText(Path.Combine(project, "Program.cs"), FirstExample(readme));
        result = Run(project, "dotnet", "build -c Release", environment: environment);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(Warnings(result.Output), Is.Empty, result.Output);

        // "A client sends `{...}` and gets `{...}`": the exchange under the example, on both of its endpoints.
        var exchange = Regex.Match(readme, @"A client sends `(?<request>\{[^`]*\})` and gets\s+`(?<reply>\{[^`]*\})`");
        Assert.That(exchange.Success, Is.True, "the README shows a request and its reply after the first example");
        await using var server = await RunningApp.StartAsync("dotnet", Path.Combine(project, "bin", "Release", "net10.0", "MyApp.dll"), project);
        using var socket = await server.ConnectAsync("/ws/cart/main");
        var reply = await RunningApp.RequestAsync(socket, exchange.Groups["request"].Value);
        Assert.That(Normalized(reply), Is.EqualTo(Normalized(exchange.Groups["reply"].Value)), reply);
    }

    // The README's first C# block: a whole Program.cs.
    private static string FirstExample(string readme)
        => Regex.Match(readme, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value;

    private static string Normalized(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
