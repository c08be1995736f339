using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>What <see cref="ReturnShapeParser"/> read from an action's return type.</summary>
/// <param name="Kind">How the result is awaited and written.</param>
/// <param name="Wrapper">The awaitable around the result, if any.</param>
/// <param name="Data">The type of the reply's data (unwrapped from <c>Task&lt;&gt;</c> and <c>ActionResult&lt;&gt;</c>), or null when the reply has none.</param>
/// <param name="Unsupported">The display of a return type an action cannot have (CONS0008), or null when it is supported.</param>
internal readonly record struct ReturnShape(ReturnKind Kind, ReturnWrapper Wrapper, ITypeSymbol? Data, string? Unsupported);
