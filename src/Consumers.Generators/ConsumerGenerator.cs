using Consumers.Generators.Emit;
using Consumers.Generators.Model;
using Consumers.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators;

/// <summary>
/// The Consumers incremental generator: for every concrete <c>partial</c> class deriving from
/// <c>Consumers.Consumer</c>, emits a DI factory, a dispatch <c>switch</c> over the action names and one typed
/// binder per <c>[Action]</c>; reports bad consumer and action declarations as CONS diagnostics.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ConsumerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var consumers = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (syntax, cancellationToken) => ConsumerParser.Parse(syntax, cancellationToken))
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Consumers);

        var specs = consumers
            .Select(static (result, _) => result.Value)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ConsumerSpecs);

        var misplacedActions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ActionAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, _) => ConsumerParser.CheckActionContainer(syntax))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .WithTrackingName(TrackingNames.ActionsOutsideConsumers);

        // Diagnostics travel on their own outputs, apart from the source (STJ's generator does the same).
        context.RegisterSourceOutput(consumers, static (production, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
        context.RegisterSourceOutput(misplacedActions, static (production, diagnostic) => production.ReportDiagnostic(diagnostic.ToDiagnostic()));
        context.RegisterSourceOutput(specs, static (production, spec) => production.AddSource(spec.HintName, ConsumerEmitter.Emit(spec)));
    }
}
