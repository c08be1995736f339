using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>Compiles test sources against the runtime and runs <see cref="ConsumerGenerator"/> over them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    // The trusted platform assemblies are this test host's framework (Microsoft.NETCore.App and, through the
    // runtime's FrameworkReference, Microsoft.AspNetCore.App) plus its dependencies; the runtime is added by
    // location so that a test run never depends on how the host happened to list it.
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(Consumers.Consumer).Assembly.Location)
            .Distinct(StringComparer.Ordinal);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>Parses a source as the file <paramref name="path"/>.</summary>
    public static SyntaxTree Parse(string source, string path = "Consumer.cs")
        => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static CSharpCompilation CreateCompilation(params SyntaxTree[] trees)
        => CSharpCompilation.Create("Tests", trees, References, CompilationOptions);

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation(sources.Select((s, i) => Parse(s, i == 0 ? "Consumer.cs" : $"Source{i}.cs")).ToArray());

    /// <param name="buildProperties">MSBuild properties visible to the generator; null: none (a build without the package's targets).</param>
    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string>? buildProperties = null)
        => CSharpGeneratorDriver.Create(
            [new ConsumerGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: buildProperties is null ? null : BuildProperties.Provider(buildProperties),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over the sources (the first is <c>Consumer.cs</c>).</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>Runs the generator once over the sources in a build with <paramref name="buildProperties"/>.</summary>
    public static GeneratorRun Run(IReadOnlyDictionary<string, string> buildProperties, params string[] sources)
        => Run(CreateCompilation(sources), buildProperties);

    public static GeneratorRun Run(CSharpCompilation compilation, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var driver = CreateDriver(buildProperties).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(compilation, output, driver, diagnostics);
    }
}

/// <summary>One generator run: its input and output compilations and what it reported.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.GeneratedSources;

    /// <summary>The output compilation's errors and warnings (generated code included).</summary>
    public ImmutableArray<Diagnostic> CompilationProblems => [.. Output.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>The text of the one generated file whose hint name is <paramref name="hintName"/>.</summary>
    public string Source(string hintName)
    {
        var match = GeneratedSources.Where(s => s.HintName == hintName).ToList();
        Assert.That(match, Has.Count.EqualTo(1),
            $"Expected one generated file named '{hintName}'; generated: {string.Join(", ", GeneratedSources.Select(s => s.HintName))}");
        return match[0].SourceText.ToString();
    }

    /// <summary>Fails unless the generator reported nothing and the output compiles without errors or warnings.</summary>
    public GeneratorRun AssertClean()
    {
        Assert.Multiple(() =>
        {
            Assert.That(GeneratorDiagnostics.Select(Format), Is.Empty, "generator diagnostics");
            Assert.That(CompilationProblems.Select(Format), Is.Empty, "compilation errors and warnings");
        });
        return this;
    }

    public static string Format(Diagnostic diagnostic) => DiagnosticText.Format(diagnostic);
}
