using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>
/// Applies a code fix the way an IDE does: the sources become documents of an <see cref="AdhocWorkspace"/> project,
/// the generator runs over its compilation, the fix gets the first diagnostic of the asked ID and offers one action,
/// and the action's changed solution is returned with a fresh generator run over it.
/// </summary>
internal static class CodeFixHarness
{
    public static async Task<FixResult> ApplyAsync(CodeFixProvider fix, string id, IReadOnlyDictionary<string, string>? build, params string[] sources)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "Tests", "Tests", LanguageNames.CSharp,
            compilationOptions: GeneratorHarness.CompilationOptions,
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        for (var i = 0; i < sources.Length; i++)
        {
            var path = i == 0 ? "Consumer.cs" : $"Source{i}.cs";
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), path, SourceText.From(sources[i]), filePath: path);
        }

        var before = await RunAsync(solution.GetProject(projectId)!, build);
        var diagnostic = before.GeneratorDiagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).First();
        var document = solution.GetDocument(diagnostic.Location.SourceTree)!;

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.That(actions, Has.Count.EqualTo(1), "one fix offered for " + GeneratorRun.Format(diagnostic));
        var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;

        var texts = new Dictionary<string, string>();
        foreach (var changedDocument in changed.GetProject(projectId)!.Documents)
        {
            texts[changedDocument.Name] = (await changedDocument.GetTextAsync()).ToString().ReplaceLineEndings("\n");
        }

        return new FixResult(actions[0].Title, texts, await RunAsync(changed.GetProject(projectId)!, build));
    }

    private static async Task<GeneratorRun> RunAsync(Project project, IReadOnlyDictionary<string, string>? build)
        => GeneratorHarness.Run((CSharpCompilation)(await project.GetCompilationAsync())!, build);
}

/// <summary>What a fix did: its title, every document's text after it, and the generator run over the result.</summary>
internal sealed record FixResult(string Title, IReadOnlyDictionary<string, string> Documents, GeneratorRun After);
