namespace Consumers.Generators.Model;

/// <summary>One filter type named by <c>[ConsumerFilter]</c>.</summary>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="Construct">Whether it is created once with <c>new</c> (public parameterless constructor) rather than resolved from DI.</param>
internal sealed record FilterSpec(string Type, bool Construct);
