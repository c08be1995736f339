using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Tests.Architecture;

/// <summary>
/// The runtime's folders use one another only as the folder table of <c>docs/architecture.md</c> says: the table is
/// the one statement of the allowed directions, read from the markdown, and every name in every runtime source file
/// (code, <c>nameof</c>, XML-doc <c>cref</c>s, <c>using</c>s of a folder's namespace), bound by Roslyn, is checked against it.
/// </summary>
[TestFixture]
public sealed partial class FolderDirectionTests
{
    private const string Root = "./";

    // What the SDK's ImplicitUsings gives Microsoft.NET.Sdk projects such as the runtime (its obj/*.GlobalUsings.g.cs).
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<string> s_repository = new(FindRepository);
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> s_table = new(() => ReadTable(File.ReadAllText(Path.Combine(s_repository.Value, "docs", "architecture.md"))));
    private static readonly Lazy<IReadOnlyList<FolderReference>> s_references = new(ReadReferences);

    private static string RuntimeDirectory => Path.Combine(s_repository.Value, "src", "Consumers.Runtime");

    [Test]
    public void EveryReferenceBetweenFolders_GoesAsTheTableAllows()
    {
        var table = s_table.Value;
        var wrong = s_references.Value
            .Where(r => !table.TryGetValue(r.From, out var allowed) || !allowed.Contains(r.To))
            .Select(r => $"{r.File}:{r.Line}: {r.From} uses {r.To} ({r.Name} → {r.Target}); the table of docs/architecture.md does not allow {r.From} → {r.To}")
            .ToList();
        Assert.That(wrong, Is.Empty, string.Join(Environment.NewLine, wrong));
    }

    [Test]
    public void TheTable_HasARowForEveryFolder_AndNoOther()
    {
        var folders = Directory.EnumerateFiles(RuntimeDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(IsSource)
            .Select(FolderOf)
            .ToHashSet();
        Assert.That(s_table.Value.Keys, Is.EquivalentTo(folders));
        var unknown = s_table.Value.SelectMany(row => row.Value.Where(f => !folders.Contains(f)).Select(f => $"{row.Key} may use {f}")).ToList();
        Assert.That(unknown, Is.Empty, "the table names a folder the runtime does not have");
    }

    [Test]
    public void TheTable_AllowsOnlyWhatIsUsed()
    {
        // A direction nobody takes is a stale claim: the table says what the folders use, not what they might.
        var used = s_references.Value.Select(r => (r.From, r.To)).ToHashSet();
        var unused = s_table.Value.SelectMany(row => row.Value.Where(to => !used.Contains((row.Key, to))).Select(to => $"{row.Key} → {to}")).ToList();
        Assert.That(unused, Is.Empty, "allowed by docs/architecture.md but used by no file: " + string.Join(", ", unused));
    }

    [Test]
    public void TheTableParser_ReadsRowsAndIgnoresProse()
    {
        var table = ReadTable("""
            | folder | what it holds | may use |
            |---|---|---|
            | `./` (root: `Consumer.cs`) | things | `Groups/`, `Options/` |
            | `Groups/` | `GroupName` | nothing: no `Consumer` |
            """);
        Assert.That(table[Root], Is.EquivalentTo(new[] { "Groups/", "Options/" }));
        Assert.That(table["Groups/"], Is.Empty);
    }

    /// <summary>
    /// The folder table: the markdown table whose header is <c>| folder | what it holds | may use |</c>. A row's folder
    /// is the first code span of its first cell (<c>`Hosting/`</c>; <c>`./`</c> for the files of the project's root);
    /// the folders it may use are the code spans ending in <c>/</c> of its last cell, any other text being prose.
    /// </summary>
    private static Dictionary<string, IReadOnlySet<string>> ReadTable(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.Trim()).ToList();
        var header = lines.FindIndex(l => Regex.IsMatch(l, @"^\|\s*folder\s*\|\s*what it holds\s*\|\s*may use\s*\|$"));
        Assert.That(header, Is.GreaterThanOrEqualTo(0), "docs/architecture.md has no | folder | what it holds | may use | table");
        var table = new Dictionary<string, IReadOnlySet<string>>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|');
            var folder = CodeSpan().Match(cells[0]).Groups[1].Value;
            Assert.That(folder, Does.EndWith("/"), $"a row of the folder table does not start with a folder: {line}");
            var allowed = CodeSpan().Matches(cells[^1]).Select(m => m.Groups[1].Value).Where(v => v.EndsWith('/')).ToHashSet();
            Assert.That(table.TryAdd(folder, allowed), Is.True, $"the folder table has two rows for {folder}");
        }

        return table;
    }

    private static IReadOnlyList<FolderReference> ReadReferences()
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);
        var trees = Directory.EnumerateFiles(RuntimeDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(IsSource)
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, path))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, parse, "ImplicitUsings.cs"))
            .ToList();

        // The runtime's own references: the shared frameworks this test runs on (Microsoft.AspNetCore.App included),
        // never an assembly of this repository, whose types would compete with the sources'.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("Consumers", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "Consumers",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

        var found = new List<FolderReference>();
        var unbound = new List<string>();
        foreach (var tree in trees.Where(t => t.FilePath != "ImplicitUsings.cs"))
        {
            var model = compilation.GetSemanticModel(tree);
            var from = FolderOf(tree.FilePath);

            // Without the runtime's source generators (LoggerMessage, JSON) some members are missing; but a type or
            // namespace that does not bind would hide references, so there must be none.
            unbound.AddRange(model.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is "CS0246" or "CS0234" or "CS0400")
                .Select(d => d.ToString()));

            foreach (var node in tree.GetRoot().DescendantNodes(descendIntoTrivia: true))
            {
                if (node is not (SimpleNameSyntax or CrefSyntax or ImplicitObjectCreationExpressionSyntax or UsingDirectiveSyntax))
                {
                    continue;
                }

                var info = model.GetSymbolInfo(node is UsingDirectiveSyntax directive ? directive.NamespaceOrType : node);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                var files = node is UsingDirectiveSyntax ? NamespaceFiles(symbol) : DeclaringFiles(symbol);
                foreach (var file in files)
                {
                    var to = FolderOf(file);
                    if (to != from)
                    {
                        found.Add(new FolderReference(
                            Path.GetRelativePath(RuntimeDirectory, tree.FilePath),
                            node.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
                            from,
                            to,
                            node.ToString(),
                            symbol!.ToDisplayString()));
                    }
                }
            }
        }

        Assert.That(unbound, Is.Empty, "the runtime's sources do not bind: " + string.Join(Environment.NewLine, unbound));
        return found;
    }

    // A using directive of a folder's own namespace (Consumers.Hosting is Hosting/'s) uses that folder even before any
    // name does; the namespaces several folders share (Consumers itself) and the framework's namespaces that Hosting/
    // adds extension methods to (Microsoft.Extensions.DependencyInjection) tell nothing.
    private static IEnumerable<string> NamespaceFiles(ISymbol? symbol)
    {
        if (symbol is not INamespaceSymbol ns || !ns.ToDisplayString().StartsWith("Consumers.", StringComparison.Ordinal))
        {
            return [];
        }

        var files = ns.Locations.Where(l => l.IsInSource).Select(l => l.SourceTree!.FilePath).Distinct().ToList();
        return files.Select(FolderOf).Distinct().Count() == 1 ? files.Take(1) : [];
    }

    // The files that declare what a name binds to: for a member, its own declaration (or, for one the compiler made,
    // its type's); nothing for locals, parameters, namespaces and anything from metadata.
    private static IEnumerable<string> DeclaringFiles(ISymbol? symbol)
    {
        if (symbol is null or INamespaceSymbol or ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol or IDiscardSymbol or ITypeParameterSymbol)
        {
            return [];
        }

        symbol = symbol is IMethodSymbol { ReducedFrom: { } extension } ? extension : symbol;
        symbol = symbol.OriginalDefinition;
        if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor, IsImplicitlyDeclared: true } or IAliasSymbol)
        {
            symbol = symbol is IAliasSymbol alias ? alias.Target : symbol.ContainingType;
        }

        while (symbol is not null && symbol.DeclaringSyntaxReferences.IsEmpty && symbol.ContainingType is not null)
        {
            symbol = symbol.ContainingType;
        }

        return symbol is null ? [] : symbol.DeclaringSyntaxReferences.Select(r => r.SyntaxTree.FilePath).Where(p => p != "ImplicitUsings.cs").Distinct();
    }

    private static bool IsSource(string path)
    {
        var relative = Path.GetRelativePath(RuntimeDirectory, path).Replace('\\', '/');
        return !relative.StartsWith("obj/", StringComparison.Ordinal) && !relative.StartsWith("bin/", StringComparison.Ordinal);
    }

    private static string FolderOf(string path)
    {
        var relative = Path.GetRelativePath(RuntimeDirectory, path).Replace('\\', '/');
        var slash = relative.IndexOf('/');
        return slash < 0 ? Root : relative[..(slash + 1)];
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Consumers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Consumers.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    private sealed record FolderReference(string File, int Line, string From, string To, string Name, string Target);
}
