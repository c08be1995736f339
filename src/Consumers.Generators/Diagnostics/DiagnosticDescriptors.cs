using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are fixed forever: never renumber, never reuse.
/// Each has a page at <c>docs/diagnostics/CONSxxxx.md</c>, linked absolutely from <c>HelpLinkUri</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Usage = "Consumers.Usage";
    private const string Serialization = "Consumers.Serialization";
    // Absolute, so that an IDE can open it: the repository's RepositoryUrl (Directory.Build.props) + the page's path.
    internal const string HelpBase = "https://github.com/consumers-dotnet/consumers/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ConsumerMustBePartial = Create(
        "CONS0001", Usage,
        "Consumer must be partial",
        "'{0}' must be declared partial so that the Consumers generator can add its dispatch code: write 'partial class {0}'");

    public static readonly DiagnosticDescriptor ActionOutsideConsumer = Create(
        "CONS0002", Usage,
        "[Action] outside a consumer",
        "'{0}' is marked [Action] but '{1}' does not derive from Consumers.Consumer: derive '{1}' from Consumer (or a consumer base class), or remove [Action]");

    public static readonly DiagnosticDescriptor ActionMustNotBeStatic = Create(
        "CONS0003", Usage,
        "Action must not be static",
        "Action '{0}' is static: remove 'static'; actions run on the connection's consumer instance");

    public static readonly DiagnosticDescriptor ActionMustNotBeGeneric = Create(
        "CONS0004", Usage,
        "Action must not be generic",
        "Action '{0}' has type parameters: remove them and use concrete parameter types, which the generator binds from JSON");

    public static readonly DiagnosticDescriptor ActionMustNotBeAbstract = Create(
        "CONS0005", Usage,
        "Action must not be abstract",
        "Action '{0}' is abstract: put [Action] on the overriding method in the concrete consumer, or give this method a body (virtual)");

    public static readonly DiagnosticDescriptor ActionParameterByReference = Create(
        "CONS0006", Usage,
        "Action parameter passed by reference or as a pointer",
        "Parameter '{0}' of action '{1}' is '{2}': pass it by value; action arguments are read from the request and results are returned, not written to parameters");

    public static readonly DiagnosticDescriptor ActionAsyncVoid = Create(
        "CONS0007", Usage,
        "Action must not be async void",
        "Action '{0}' is 'async void': return 'Task' (or 'ValueTask') so that the reply is sent after it completes and its exceptions become 500 replies");

    public static readonly DiagnosticDescriptor ActionUnsupportedReturnType = Create(
        "CONS0008", Usage,
        "Unsupported action return type",
        "Action '{0}' returns '{1}': return void, Task, ValueTask, T, Task<T>, ValueTask<T>, ActionResult or ActionResult<T> (optionally in a Task or ValueTask), or stream with IAsyncEnumerable<T> or ChannelReader<T> (not wrapped in a task)");

    public static readonly DiagnosticDescriptor DuplicateActionName = Create(
        "CONS0009", Usage,
        "Duplicate action name",
        "Action '{0}' has the wire name '{1}', already used by '{2}': give one of them another name with [Action(\"name\")]");

    public static readonly DiagnosticDescriptor ReservedParameterName = Create(
        "CONS0010", Usage,
        "Parameter named like a reserved key",
        "Parameter '{0}' of action '{1}' would bind the reserved request key '{2}': rename it (use RequestContext to read the action name and request_id)");

    public static readonly DiagnosticDescriptor TypeNotSerializable = Create(
        "CONS0011", Serialization,
        "Type cannot be serialized",
        "{0} of action '{1}' has type '{2}', which cannot travel as JSON ({3}): use a serializable DTO, a primitive or JsonElement");

    public static readonly DiagnosticDescriptor JsonContextMissing = Create(
        "CONS0012", Serialization,
        "No JsonSerializerContext for a DTO",
        "Action '{0}' uses '{1}', which needs source-generated JSON metadata: add [JsonContext(typeof(YourContext))] to '{2}' (or the assembly), where YourContext lists [JsonSerializable(typeof({1}))]{3}");

    public static readonly DiagnosticDescriptor TypeMissingFromJsonContext = Create(
        "CONS0013", Serialization,
        "Type missing from the JsonSerializerContext",
        "Action '{0}' uses '{1}', which '{2}' cannot serialize: add [JsonSerializable(typeof({1}))] to '{2}'{3}");

    public static readonly DiagnosticDescriptor InvalidJsonContext = Create(
        "CONS0014", Serialization,
        "[JsonContext] type is not a JsonSerializerContext",
        "'{0}' does not derive from System.Text.Json.Serialization.JsonSerializerContext: name a 'partial class X : JsonSerializerContext' with [JsonSerializable] attributes");

    public static readonly DiagnosticDescriptor InvalidActionName = Create(
        "CONS0015", Usage,
        "Invalid action name",
        "The action name '{0}' of '{1}' is empty, contains whitespace or control characters, or starts with '$' (reserved for control actions such as '$cancel'): use a name such as 'join_room'");

    public static readonly DiagnosticDescriptor ConsumerWithoutPublicConstructor = Create(
        "CONS0016", Usage,
        "Consumer has no public constructor",
        "'{0}' has no public constructor: add one; its parameters are resolved from the connection's DI scope");

    public static readonly DiagnosticDescriptor GenericConsumer = Create(
        "CONS0017", Usage,
        "Concrete consumer must not be generic",
        "'{0}' is generic: make it abstract and derive a non-generic consumer from it, which is the class to map");

    public static readonly DiagnosticDescriptor InaccessibleInheritedAction = Create(
        "CONS0018", Usage,
        "Inherited action is not accessible",
        "Action '{0}' is inherited from '{1}' but is private: make it protected or public so that '{2}' can dispatch to it");

    public static readonly DiagnosticDescriptor PermissionTypeNotAPermission = Create(
        "CONS0019", Usage,
        "Permission type does not implement IPermission",
        "'{0}' in [Permission] on '{1}' does not implement Consumers.Security.IPermission: name a class that implements IPermission or derives from BasePermission");

    public static readonly DiagnosticDescriptor FilterTypeNotAFilter = Create(
        "CONS0060", Usage,
        "Filter type does not implement IConsumerFilter",
        "'{0}' in [ConsumerFilter] on '{1}' does not implement Consumers.IConsumerFilter: name a class that implements IConsumerFilter");

    // CONS0030-CONS0039: model observers.
    public static readonly DiagnosticDescriptor ObserverSignature = Create(
        "CONS0030", Usage,
        "Invalid model observer signature",
        "Observer '{0}' must be 'static TData {0}({1} model)' with a serializable result: {2}");

    public static readonly DiagnosticDescriptor ObserverGroupUnknownMember = Create(
        "CONS0031", Usage,
        "Group template names an unknown member",
        "The group template \"{0}\" of observer '{1}' names '{2}', which is not a public instance property or field of '{3}': {4}");

    public static readonly DiagnosticDescriptor ObserverGroupMemberType = Create(
        "CONS0032", Usage,
        "Group template member has an unsupported type",
        "'{2}' in the group template \"{0}\" of observer '{1}' has type '{3}': placeholders must be string, bool, an integer type, Guid or an enum (or their nullable forms)");

    public static readonly DiagnosticDescriptor ObserverGroupTemplate = Create(
        "CONS0033", Usage,
        "Malformed group template",
        "The group template \"{0}\" of observer '{1}' is malformed: {2}");

    public static readonly DiagnosticDescriptor ObserverHandler = Create(
        "CONS0034", Usage,
        "Observer handler not found",
        "The handler '{0}' of observer '{1}' must be an instance method 'ValueTask {0}({2} data, ModelAction action, IReadOnlyList<JsonElement> requestIds)' (or returning Task or void) on the consumer{3}");

    // CONS0040-CONS0044: plain JSON consumers ([Receive]).
    public static readonly DiagnosticDescriptor ReceiveWithActions = Create(
        "CONS0040", Usage,
        "Receive handler and actions on one consumer",
        "'{0}' has the [Receive] handler '{1}' and the action '{2}': a consumer takes either plain JSON messages or DCRF actions; map the actions on another consumer, or remove [Receive]");

    public static readonly DiagnosticDescriptor DuplicateReceive = Create(
        "CONS0041", Usage,
        "More than one receive handler",
        "'{0}' is a second [Receive] handler of '{1}', which has '{2}' already: keep one handler and branch on the message's content inside it");

    public static readonly DiagnosticDescriptor ReceiveSignature = Create(
        "CONS0042", Usage,
        "Invalid receive handler signature",
        "The [Receive] handler '{0}' must be an instance method 'Task {0}(TMessage message)' (or returning ValueTask or void, optionally with a CancellationToken parameter): {1}");

    public static readonly DiagnosticDescriptor ReceiveMessageWithoutMetadata = Create(
        "CONS0043", Serialization,
        "Receive message type has no JSON metadata",
        "The message type '{1}' of the [Receive] handler '{0}' has no source-generated JSON metadata: {2}");

    public static readonly DiagnosticDescriptor ReceiveOutsideConsumer = Create(
        "CONS0044", Usage,
        "[Receive] outside a consumer",
        "'{0}' is marked [Receive] but '{1}' does not derive from Consumers.Consumer: derive '{1}' from Consumer, or remove [Receive]");

    // CONS0045-CONS0049: observers with several groups.
    public static readonly DiagnosticDescriptor ObserverGroupsCombined = Create(
        "CONS0045", Usage,
        "Observer groups given more than one way",
        "Observer '{0}' sets {1}: give its groups one way, Group (one template), Groups (several templates) or GroupsMethod (a method)");

    public static readonly DiagnosticDescriptor ObserverGroupsEmpty = Create(
        "CONS0046", Usage,
        "Observer Groups is empty",
        "Groups of observer '{0}' is empty or holds null: list one template or more (e.g. Groups = new[] {{ \"room:{{RoomId}}\" }}), or remove Groups for one group of every instance");

    public static readonly DiagnosticDescriptor ObserverGroupsSamePlaceholders = Create(
        "CONS0047", Usage,
        "Observer group templates with the same placeholders",
        "The templates \"{0}\" and \"{1}\" of observer '{2}' have the same placeholders, so both would get the subscribe method 'Subscribe{3}Async' and every instance would be in both groups: keep one of them");

    public static readonly DiagnosticDescriptor ObserverGroupsMethodNotFound = Create(
        "CONS0048", Usage,
        "GroupsMethod names no method",
        "GroupsMethod '{0}' of observer '{1}' names no method of '{2}'{4}: add 'private static IEnumerable<string> {0}({3} model)' returning the instance's group keys");

    public static readonly DiagnosticDescriptor ObserverGroupsMethodSignature = Create(
        "CONS0049", Usage,
        "Invalid GroupsMethod signature",
        "GroupsMethod '{0}' of observer '{1}' {2}: write it as 'static IEnumerable<string> {0}({3} model)'");

    // CONS0050-CONS0054: group event handlers.
    public static readonly DiagnosticDescriptor GroupEventHandlerSignature = Create(
        "CONS0050", Usage,
        "Invalid group event handler",
        "Group event handler '{0}' {1}: write it as an instance method 'Task {0}(TEvent e)' (or returning ValueTask or void) taking the event type, a non-generic class, record or struct in the consumer's JSON context");

    public static readonly DiagnosticDescriptor DuplicateGroupEventHandler = Create(
        "CONS0051", Usage,
        "Two handlers for one group event type",
        "'{0}' and '{1}' both handle group events of type '{2}': keep one [GroupEvent] handler per event type");

    public static readonly DiagnosticDescriptor GroupEventOutsideConsumer = Create(
        "CONS0052", Usage,
        "[GroupEvent] outside a consumer",
        "'{0}' is marked [GroupEvent] but '{1}' does not derive from Consumers.Consumer: group events reach consumers only; move the handler to a consumer, or remove [GroupEvent]");

    public static readonly DiagnosticDescriptor ConcurrentActionAssignsState = Create(
        "CONS0020", Usage,
        "Concurrent action assigns consumer state",
        "'{0}' runs concurrently with the consumer's other actions but assigns '{1}': the consumer instance is shared by every action running at once; keep per-call state in locals, guard '{1}' (a lock, Interlocked), or remove Concurrent = true (a stream always runs concurrently)",
        DiagnosticSeverity.Warning);

    // A warning of its own rather than CONS0012 at a second severity: release tracking and
    // 'dotnet_diagnostic.<id>.severity' work per ID, so reflection-based JSON can be silenced or made an error
    // without touching the AOT error.
    public static readonly DiagnosticDescriptor JsonByReflection = Create(
        "CONS0055", Serialization,
        "DTO serialized by reflection",
        "'{0}' uses '{1}', which has no source-generated JSON metadata ({2}): it is serialized by reflection, which works here but fails the build under PublishAot or trimming (CONS0012); for AOT-safe metadata list it with [JsonSerializable(typeof({1}))] on a JsonSerializerContext named by [JsonContext]{3}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor EnabledByWithoutFlagsProperty = Create(
        "CONS0056", Usage,
        "[EnabledBy] names no flags property",
        "[EnabledBy] names '{0}', which is no readable instance property of an enum or integer type on '{1}' ({2}): name the consumer's flags property, e.g. nameof(Actions)");

    // CONS0070-CONS0079: server pushes ([ConsumerEvent] types, [Pushes] on consumers).
    public static readonly DiagnosticDescriptor InvalidConsumerEvent = Create(
        "CONS0070", Usage,
        "Invalid consumer event declaration",
        "[ConsumerEvent] on '{0}' {1}: declare a non-generic class, record or struct that the assembly can name, with a name such as 'chat_line' (not empty, no whitespace or control characters, not starting with '$')");

    public static readonly DiagnosticDescriptor PushedTypeNotAnEvent = Create(
        "CONS0071", Usage,
        "[Pushes] type is not a consumer event",
        "'{0}' declares [Pushes(typeof({1}))], but '{1}' has no [ConsumerEvent]: mark it [ConsumerEvent(\"name\")] so that its sends carry that name as their action");

    public static readonly DiagnosticDescriptor DuplicateEventName = Create(
        "CONS0072", Usage,
        "Two pushed events with one name",
        "'{0}' pushes '{1}' and '{2}', both named '{3}': clients could not tell them apart; give one of them another [ConsumerEvent] name, or push only one");

    public static readonly DiagnosticDescriptor EventNameIsActionName = Create(
        "CONS0073", Usage,
        "Pushed event named as an action",
        "'{0}' pushes '{1}' as '{2}', which is also the name of its action '{3}': a client would take the push for that action's reply; rename the event or the action");

    public static readonly DiagnosticDescriptor UndeclaredPush = Create(
        "CONS0074", Usage,
        "Typed send of a type the consumer does not push",
        "'{0}' sends '{1}' but declares no [Pushes(typeof({1}))]: its generated clients do not type it (it reaches their \"frame\" catch-all); add [Pushes(typeof({1}))] (and [ConsumerEvent] on the type), or send a declared event",
        DiagnosticSeverity.Warning);

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new DiagnosticDescriptor[]
    {
        ConsumerMustBePartial, ActionOutsideConsumer, ActionMustNotBeStatic, ActionMustNotBeGeneric,
        ActionMustNotBeAbstract, ActionParameterByReference, ActionAsyncVoid, ActionUnsupportedReturnType,
        DuplicateActionName, ReservedParameterName, TypeNotSerializable, JsonContextMissing,
        TypeMissingFromJsonContext, InvalidJsonContext, InvalidActionName, ConsumerWithoutPublicConstructor,
        GenericConsumer, InaccessibleInheritedAction, PermissionTypeNotAPermission, ConcurrentActionAssignsState,
        ObserverSignature, ObserverGroupUnknownMember, ObserverGroupMemberType, ObserverGroupTemplate, ObserverHandler,
        ReceiveWithActions, DuplicateReceive, ReceiveSignature, ReceiveMessageWithoutMetadata, ReceiveOutsideConsumer,
        ObserverGroupsCombined, ObserverGroupsEmpty, ObserverGroupsSamePlaceholders, ObserverGroupsMethodNotFound, ObserverGroupsMethodSignature,
        GroupEventHandlerSignature, DuplicateGroupEventHandler, GroupEventOutsideConsumer,
        JsonByReflection, EnabledByWithoutFlagsProperty, FilterTypeNotAFilter,
        InvalidConsumerEvent, PushedTypeNotAnEvent, DuplicateEventName, EventNameIsActionName, UndeclaredPush,
    }.ToDictionary(d => d.Id, StringComparer.Ordinal);

    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Create(string id, string category, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
        => new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}
