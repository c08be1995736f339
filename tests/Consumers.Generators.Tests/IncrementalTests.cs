using System.Reflection;
using Consumers.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Tests;

/// <summary>
/// The pipeline caches: a second run after an unrelated change reports every tracked step Cached or Unchanged,
/// a change to the consumer reports Modified, and no tracked step holds a Roslyn object.
/// </summary>
[TestFixture]
public sealed class IncrementalTests
{
    private const string ConsumerSource = """
        using System.Threading.Tasks;
        using Consumers;

        namespace Chat;

        [JsonContext(typeof(ChatJson))]
        public partial class LobbyConsumer : Consumer
        {
            [Action]
            public Task<RoomDto> CreateAsync(CreateRoomDto data) => Task.FromResult(new RoomDto(1, data.Name, new()));

            [Action]
            public void Leave(int roomId, string? reason = null) { }
        }

        [JsonContext(typeof(ChatJson))]
        public partial class TutorialConsumer : Consumer
        {
            [Receive]
            public Task OnMessage(CreateRoomDto message, System.Threading.CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public abstract class AuditedConsumer : Consumer
        {
            [Action]
            public string Ping() => "pong";

            [Action]
            public static void Broken() { }
        }
        """;

    // An [Action], a [Receive] and a [GroupEvent] outside a consumer and a [ConsumerEvent] type, so that every tracked step has outputs to compare.
    private const string ServiceSource = """
        using Consumers;

        namespace Chat;

        public class RoomService
        {
            [Action]
            public void Misplaced() { }

            [Receive]
            public void MisplacedReceive(string message) { }

            [GroupEvent]
            public void MisplacedHandler(RoomDto e) { }
        }

        [ConsumerEvent("room_opened")]
        public sealed record RoomOpened(int Pk);
        """;

    private const string UnrelatedSource = """
        namespace Chat.Util;

        public sealed class Clock : System.IDisposable
        {
            public void Dispose() { }
        }
        """;

    private static IEnumerable<string> TrackedStepNames => typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!);

    [Test]
    public void TrackingNames_AreAllListed()
        => Assert.That(TrackedStepNames, Is.EquivalentTo(new[] { "Consumers", "ConsumerSpecs", "ActionsOutsideConsumers", "ReceivesOutsideConsumers", "GroupEventsOutsideConsumers", "AllConsumerSpecs", "JsonPolicy", "ConsumerEvents" }));

    [Test]
    public void AddingAnUnrelatedFile_LeavesEveryTrackedStepCachedOrUnchanged()
    {
        var (compilation, driver) = FirstRun();

        var changed = compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Chat.Util; public static class Extra { public static int Two => 2; }", "Extra.cs"));
        var result = driver.RunGenerators(changed).GetRunResult().Results.Single();

        AssertAllStepsCachedOrUnchanged(result);
    }

    [Test]
    public void EditingAnUnrelatedFile_LeavesEveryTrackedStepCachedOrUnchanged()
    {
        var (compilation, driver) = FirstRun();
        var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Clock.cs");

        var edited = compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse(UnrelatedSource.Replace("public void Dispose() { }", "public void Dispose() { System.GC.SuppressFinalize(this); }"), "Clock.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllStepsCachedOrUnchanged(result);
    }

    [Test]
    public void EditingTheConsumer_ReportsTheConsumerStepsModified()
    {
        var (compilation, driver) = FirstRun();
        var consumer = compilation.SyntaxTrees.Single(t => t.FilePath == "Consumer.cs");

        var edited = compilation.ReplaceSyntaxTree(consumer, GeneratorHarness.Parse(
            ConsumerSource.Replace("public void Leave(int roomId", "public void Leave(long roomId"), "Consumer.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var name in new[] { "Consumers", "ConsumerSpecs", "AllConsumerSpecs" })
        {
            Assert.That(Reasons(result, name), Does.Contain(IncrementalStepRunReason.Modified), name);
        }

        Assert.That(Reasons(result, "ActionsOutsideConsumers"), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged),
            "the [Action] outside a consumer is in another file");
        Assert.That(Reasons(result, "ReceivesOutsideConsumers"), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged),
            "the [Receive] outside a consumer is in another file");
    }

    [Test]
    public void TrackedStepOutputs_HoldNoRoslynObjects()
    {
        var (compilation, driver) = FirstRun();
        var runs = new[]
        {
            driver.GetRunResult().Results.Single(),
            driver.RunGenerators(compilation.AddSyntaxTrees(GeneratorHarness.Parse("class Extra { }", "Extra.cs"))).GetRunResult().Results.Single(),
        };

        foreach (var result in runs)
        {
            foreach (var name in TrackedStepNames)
            {
                var outputs = result.TrackedSteps[name].SelectMany(step => step.Outputs).ToList();
                Assert.That(outputs, Is.Not.Empty, $"step {name} has outputs to walk");
                for (var i = 0; i < outputs.Count; i++)
                {
                    Assert.That(BannedTypeWalker.FindBannedValues(outputs[i].Value, $"{name}[{i}]"), Is.Empty);
                }
            }
        }
    }

    private static (CSharpCompilation Compilation, GeneratorDriver Driver) FirstRun()
    {
        var compilation = GeneratorHarness.CreateCompilation(
            GeneratorHarness.Parse(ConsumerSource, "Consumer.cs"),
            GeneratorHarness.Parse(TestSources.Dtos, "Dtos.cs"),
            GeneratorHarness.Parse(ServiceSource, "RoomService.cs"),
            GeneratorHarness.Parse(UnrelatedSource, "Clock.cs"));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var first = driver.GetRunResult().Results.Single();
        Assert.That(first.Exception, Is.Null);
        Assert.That(first.GeneratedSources.Select(s => s.HintName), Is.EqualTo(new[] { "Chat.LobbyConsumer.g.cs", "Chat.LobbyConsumer.Client.g.cs", "Chat.TutorialConsumer.g.cs", "ConsumerEvents.g.cs", "ConsumersClient.g.cs" }));
        Assert.That(first.Diagnostics.Select(d => d.Id).Order(), Is.EqualTo(new[] { "CONS0002", "CONS0003", "CONS0044", "CONS0052" }),
            "the fixture exercises the diagnostic paths too");
        return (compilation, driver);
    }

    private static void AssertAllStepsCachedOrUnchanged(GeneratorRunResult result)
    {
        Assert.That(result.GeneratedSources.Select(s => s.HintName), Is.EqualTo(new[] { "Chat.LobbyConsumer.g.cs", "Chat.LobbyConsumer.Client.g.cs", "Chat.TutorialConsumer.g.cs", "ConsumerEvents.g.cs", "ConsumersClient.g.cs" }));
        Assert.Multiple(() =>
        {
            foreach (var name in TrackedStepNames)
            {
                var reasons = Reasons(result, name);
                Assert.That(reasons, Is.Not.Empty, $"step {name} ran and has outputs");
                Assert.That(reasons, Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), $"step {name}");
            }
        });
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string name)
    {
        Assert.That(result.TrackedSteps.ContainsKey(name), Is.True, $"the pipeline has a step named {name}");
        return [.. result.TrackedSteps[name].SelectMany(step => step.Outputs).Select(output => output.Reason)];
    }
}
