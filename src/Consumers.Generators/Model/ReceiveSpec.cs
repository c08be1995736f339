namespace Consumers.Generators.Model;

/// <summary>The <c>[Receive]</c> handler of a plain JSON consumer: how the generated receiver reads and calls it.</summary>
/// <param name="MethodName">The C# method name.</param>
/// <param name="Json">The expression of the message type's <c>JsonTypeInfo</c>.</param>
/// <param name="Arguments">The call's arguments in order: <c>__message</c> or <c>invocation.Aborted</c>.</param>
/// <param name="Return">How the call is returned: <see cref="ReturnKind.Void"/>, <see cref="ReturnKind.Task"/> or <see cref="ReturnKind.ValueTask"/>.</param>
/// <param name="MessageType">The <c>global::</c> message type as read (the underlying type of a nullable value type).</param>
internal sealed record ReceiveSpec(string MethodName, string Json, EquatableArray<string> Arguments, ReturnKind Return, string MessageType = "object");
