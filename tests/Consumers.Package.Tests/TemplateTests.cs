using System.Net.Http;
using NUnit.Framework;
using static Consumers.Package.Tests.OutsideProjects;

namespace Consumers.Package.Tests;

/// <summary>
/// The Consumers.Templates package as docs/getting-started.md installs it (into a template hive of the test's own,
/// <c>--debug:custom-hive</c>, so the machine's templates are untouched): from an empty folder whose only NuGet
/// configuration names the packed feed and the registry, <c>dotnet new consumers-app</c> and
/// <c>dotnet new consumers-tests</c> give projects that build without warnings, whose tests pass, and whose app serves
/// its page and the generated client.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TemplateTests
{
    [Test]
    public async Task ConsumersAppAndConsumersTests_FromAnEmptyFolder_BuildAndPassTheirTests_AndTheAppServesItsPage()
    {
        var folder = Directory.CreateDirectory(Path.Combine(PackedFeed.Work, "templates")).FullName;
        File.WriteAllText(Path.Combine(folder, "nuget.config"), NuGetConfig());
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        var hive = Path.Combine(PackedFeed.Work, "template-hive");

        var result = Run(folder, "dotnet", $"new install Consumers.Templates --debug:custom-hive \"{hive}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("consumers-app").And.Contain("consumers-tests"));
        result = Run(folder, "dotnet", $"new consumers-app -o Todo --debug:custom-hive \"{hive}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        result = Run(folder, "dotnet", $"new consumers-tests -o Todo.Tests --app Todo --debug:custom-hive \"{hive}\"");
        Assert.That(result.ExitCode, Is.Zero, result.Output);

        // One restore and build of both projects, then the four tests.
        result = Run(Path.Combine(folder, "Todo.Tests"), "dotnet", "test -c Release");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("Passed!  - Failed:     0, Passed:     4,"), result.Output);
            Assert.That(Warnings(result.Output), Is.Empty, "the templates build without warnings");
        });

        var app = Path.Combine(folder, "Todo");
        await using var server = await RunningApp.StartAsync("dotnet", Path.Combine(app, "bin", "Release", "net10.0", "Todo.dll"), app);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var page = await http.GetStringAsync("/");
        var client = await http.GetStringAsync("/consumers/client.js");
        var document = await http.GetStringAsync("/consumers/asyncapi.json");
        Assert.Multiple(() =>
        {
            Assert.That(page, Does.Contain("import { TodoConsumerClient, ActionError } from \"/consumers/client.js\";"));
            Assert.That(client, Does.Contain("export class TodoConsumerClient"));
            Assert.That(client, Does.Contain("watch(params, options)").And.Contain("add(params, options)").And.Contain("list(params, options)"));
            Assert.That(document, Does.Contain("Adds an item to a list; 400 for an empty title."), "the app generates its documentation file: summaries reach the AsyncAPI document");
        });
        using var socket = await server.ConnectAsync("/ws/todos");
        Assert.That(await RunningApp.RequestAsync(socket, """{"action": "add", "list_id": 5, "data": {"title": "Tea"}, "request_id": 1}"""),
            Does.Contain("\"list_id\":5,\"title\":\"Tea\",\"done\":false},\"action\":\"add\",\"response_status\":200"));
    }
}
