namespace Consumers.Generators.Model;

/// <summary>Everything the emitter needs to write one consumer's generated part: values only, no symbols.</summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Declarations of the enclosing types, outermost first, e.g. <c>partial class Outer</c>.</param>
/// <param name="Name">The class name.</param>
/// <param name="FullyQualifiedName">The <c>global::</c> name.</param>
/// <param name="ConstructorParameters">Services of the chosen public constructor, in order.</param>
/// <param name="Actions">The actions, own and inherited.</param>
/// <param name="JsonTypes">DTO types that need metadata from the JSON context.</param>
/// <param name="Observers">The <c>[ModelObserver]</c>s declared on the consumer.</param>
/// <param name="JsonContext">The <c>global::</c> name of the JSON context, or null.</param>
/// <param name="Security">The class's authorization attributes (own and inherited), or null when it has none.</param>
/// <param name="Summary">The class's XML doc summary as plain text, or null.</param>
/// <param name="ClientIsPublic">Whether the generated .NET client can be public: the consumer and every DTO it exchanges are public.</param>
/// <param name="Receive">The consumer's <c>[Receive]</c> handler (a plain JSON consumer), or null.</param>
/// <param name="TypeScriptInterfaces">The DTOs of <paramref name="JsonTypes"/> (and the types they reach) as TypeScript interfaces.</param>
/// <param name="KeepContextPropertyNames">DTO properties keep the context's names on the wire instead of snake_case (<c>[JsonContext(..., KeepContextPropertyNames = true)]</c>).</param>
/// <param name="GroupEvents">The <c>[GroupEvent]</c> handlers, own and inherited.</param>
/// <param name="ObserverHandlerBase">
/// The <c>global::</c> name of the nearest concrete base consumer when it (or a base of it) declares observers with a
/// handler: the notifications of those observers go to its generated hooks, as the consumer inherits them. Null otherwise.
/// </param>
/// <param name="RejectedObservers">
/// The names <c>X</c> of the subscribe methods of the observers a diagnostic rejected: declared as
/// <c>SubscribeXAsync(params object?[])</c> stubs so that the consumer's calls of them do not add CS0103 to the error.
/// </param>
/// <param name="Events">The events the consumer pushes (<c>[Pushes]</c>, own and inherited), in declaration order.</param>
/// <param name="Validators">The DataAnnotations validators of the DTOs the actions bind (and the types they reach).</param>
/// <param name="Filters">The class's <c>[ConsumerFilter]</c>s (its bases' first), run around every action and the <c>[Receive]</c> handler.</param>
internal sealed record ConsumerSpec(
    string HintName,
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string Name,
    string FullyQualifiedName,
    EquatableArray<ServiceSpec> ConstructorParameters,
    EquatableArray<ActionSpec> Actions,
    EquatableArray<JsonTypeSpec> JsonTypes,
    EquatableArray<ObserverSpec> Observers,
    string? JsonContext,
    SecuritySpec? Security = null,
    string? Summary = null,
    EquatableArray<TypeScriptInterfaceSpec> TypeScriptInterfaces = default,
    bool ClientIsPublic = false,
    ReceiveSpec? Receive = null,
    bool KeepContextPropertyNames = false,
    EquatableArray<GroupEventSpec> GroupEvents = default,
    string? ObserverHandlerBase = null,
    EquatableArray<string> RejectedObservers = default,
    EquatableArray<EventSpec> Events = default,
    EquatableArray<FilterSpec> Filters = default,
    EquatableArray<ValidatorSpec> Validators = default);

/// <summary>One constructor parameter resolved from DI.</summary>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="Required">Whether <c>GetRequiredService</c> is used (else <c>GetService</c>).</param>
internal sealed record ServiceSpec(string Type, bool Required);

/// <summary>A DTO type whose metadata comes from the JSON context, cached in a static field.</summary>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="Member">The generated member name holding its <c>JsonTypeInfo</c>.</param>
/// <param name="TypeScript">Its TypeScript type expression in the generated client's declarations.</param>
/// <param name="Reflection">
/// True when the context has no metadata for it (or there is no context): its metadata comes from System.Text.Json's
/// reflection-based resolver in the generated code, which the build's JSON policy allows (CONS0055) or refuses (CONS0012, CONS0013).
/// </param>
internal sealed record JsonTypeSpec(string Type, string Member, string TypeScript = "unknown", bool Reflection = false);
