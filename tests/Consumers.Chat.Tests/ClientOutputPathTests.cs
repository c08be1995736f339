using System.Diagnostics;

namespace Consumers.Chat.Tests;

/// <summary>
/// <c>&lt;ConsumersClientOutputPath&gt;</c>: a build writes the generated client.js and client.d.ts there (the same
/// texts the app serves), and fails with a message naming the cause in a project without consumers.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClientOutputPathTests
{
    private static readonly string s_targets = Path.Combine(ChatApp.RepositoryRoot(), "src", "Consumers.Runtime", "build", "Consumers.targets");

    private string _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-client-output-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Build_WritesTheClientThatTheAppServes()
    {
        var output = Path.Combine(_directory, "generated");
        var (code, log) = await BuildAsync(Path.Combine("samples", "Chat", "Chat.csproj"), $"-p:ConsumersClientOutputPath={output}");
        Assert.That(code, Is.Zero, log);

        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));
        using var http = new HttpClient();
        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(Path.Combine(output, "client.js")), Is.EqualTo(await http.GetStringAsync(app.Url + "/consumers/client.js")));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(output, "client.d.ts")), Is.EqualTo(await http.GetStringAsync(app.Url + "/consumers/client.d.ts")));
        });
    }

    [Test]
    public async Task Build_OfAProjectWithoutConsumers_FailsNamingTheCause()
    {
        // The EF Core package has only an abstract consumer: no client to write.
        var (code, log) = await BuildAsync(
            Path.Combine("src", "Consumers.EntityFrameworkCore", "Consumers.EntityFrameworkCore.csproj"),
            $"-p:ConsumersClientOutputPath={Path.Combine(_directory, "none")}",
            $"-p:CustomAfterMicrosoftCommonTargets={s_targets}");

        Assert.That(code, Is.Not.Zero, log);
        Assert.That(log, Does.Contain("the Consumers generator wrote no client"));
        Assert.That(Directory.Exists(Path.Combine(_directory, "none")), Is.False);
    }

    private static async Task<(int ExitCode, string Log)> BuildAsync(string project, params string[] properties)
    {
        var configuration = typeof(ClientOutputPathTests).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ChatApp.RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", project, "-c", configuration, "--no-restore", "--no-dependencies", "-nologo", "-clp:NoSummary", "-nodeReuse:false" }.Concat(properties))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
