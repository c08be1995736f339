using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Model;

/// <summary>A diagnostic as plain values: the descriptor's ID, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, location, arguments.ToEquatableArray());

    /// <summary>The diagnostic, located in <paramref name="compilation"/>'s tree of the same path when there is one.</summary>
    public Diagnostic ToDiagnostic(Compilation compilation)
        => Diagnostic.Create(
            Diagnostics.DiagnosticDescriptors.ById(Id),
            Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None,
            Arguments.Cast<object>().ToArray());
}
