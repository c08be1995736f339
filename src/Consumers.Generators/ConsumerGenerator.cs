using System.Collections.Immutable;
using System.Linq;
using Consumers.Generators.Diagnostics;
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
                KnownTypes.ActionAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, _) => ConsumerParser.CheckActionContainer(syntax))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .WithTrackingName(TrackingNames.ActionsOutsideConsumers);

        var misplacedReceives = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ReceiveAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, _) => ReceiveParser.CheckContainer(syntax))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .WithTrackingName(TrackingNames.ReceivesOutsideConsumers);

        var misplacedGroupEvents = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.GroupEventAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, _) => GroupEventParser.CheckContainer(syntax))
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .WithTrackingName(TrackingNames.GroupEventsOutsideConsumers);

        var consumerEvents = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ConsumerEventAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (syntax, _) => PushParser.Declaration(syntax))
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.ConsumerEvents);

        // Diagnostics travel on their own output, apart from the source (STJ's generator does the same), and are
        // reported at a location in the compilation's own syntax tree: a diagnostic at an external-file location
        // (all a LocationInfo can rebuild alone) is not subject to '#pragma warning disable'. The compilation is
        // used here only to find that tree by path, after every transform, so no cached step depends on it; the
        // cost on an edit is re-reporting the current diagnostics, never re-parsing a consumer.
        // Whether a type without source-generated metadata is an error or a warning depends on the build (PublishAot,
        // trimming, JsonSerializerIsReflectionEnabledByDefault), read from the properties the package's targets expose.
        var jsonPolicy = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => JsonPolicy.From(options.GlobalOptions))
            .WithTrackingName(TrackingNames.JsonPolicy);
        var diagnostics = consumers
            .SelectMany(static (result, _) => result.Diagnostics)
            .Collect()
            .Combine(misplacedActions.Collect())
            .Combine(misplacedReceives.Collect())
            .Combine(misplacedGroupEvents.Collect())
            .Combine(consumerEvents.SelectMany(static (result, _) => result.Diagnostics).Collect())
            .Combine(jsonPolicy)
            .Combine(context.CompilationProvider);
        context.RegisterSourceOutput(diagnostics, static (production, input) =>
        {
            var ((((((own, misplaced), misplacedReceive), misplacedGroupEvent), events), policy), compilation) = input;
            foreach (var diagnostic in JsonPolicyDiagnostics.ApplyAll(own.Concat(misplaced).Concat(misplacedReceive).Concat(misplacedGroupEvent).Concat(events), policy))
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic(compilation));
            }
        });
        context.RegisterSourceOutput(specs, static (production, spec) =>
        {
            production.AddSource(spec.HintName, ConsumerEmitter.Emit(spec));

            // A plain JSON consumer has no actions to call: its client is a WebSocket and JSON.stringify.
            if (spec.Receive is null)
            {
                production.AddSource(DotNetClientEmitter.HintName(spec), DotNetClientEmitter.Emit(spec));
            }
        });

        // One module initializer registering the assembly's event types and their names with the runtime.
        var registrations = consumerEvents
            .Select(static (result, _) => result.Value)
            .Where(static registration => registration is not null)
            .Select(static (registration, _) => registration!)
            .Collect();
        context.RegisterSourceOutput(registrations, static (production, all) =>
        {
            if (all.Length > 0)
            {
                production.AddSource(EventRegistrationEmitter.HintName, EventRegistrationEmitter.Emit(all));
            }
        });

        // One JavaScript client (and its declarations) for all the consumers of the compilation.
        var allSpecs = specs.Collect().WithTrackingName(TrackingNames.AllConsumerSpecs);
        context.RegisterSourceOutput(allSpecs, static (production, all) =>
        {
            var callable = all.Where(static spec => spec.Receive is null).ToImmutableArray();
            if (callable.Length > 0)
            {
                production.AddSource(ClientEmitter.HintName, ClientEmitter.Emit(callable));
            }
        });
    }
}
