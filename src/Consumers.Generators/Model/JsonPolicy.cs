using Microsoft.CodeAnalysis.Diagnostics;

namespace Consumers.Generators.Model;

/// <summary>
/// Whether the build allows reflection-based JSON, read from the MSBuild properties the package's targets make
/// visible to the compiler (<c>CompilerVisibleProperty</c>, as ASP.NET Core's request delegate generator reads its
/// switches from <c>build_property.*</c>). Reflection is allowed only when the properties are visible and none of
/// <c>PublishAot</c>, <c>PublishTrimmed</c>, <c>IsAotCompatible</c>, <c>IsTrimmable</c> is true and
/// <c>JsonSerializerIsReflectionEnabledByDefault</c> is not false; a build that does not show them (the targets not
/// imported) is treated as AOT, so nothing becomes less strict by accident.
/// </summary>
/// <param name="ReflectionAllowed">True when a type without source-generated metadata may go through reflection.</param>
internal sealed record JsonPolicy(bool ReflectionAllowed)
{
    public static JsonPolicy Strict { get; } = new(false);

    public static JsonPolicy From(AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue("build_property.JsonSerializerIsReflectionEnabledByDefault", out var reflection))
        {
            return Strict;
        }

        var allowed = !IsTrue(options, "PublishAot") && !IsTrue(options, "PublishTrimmed") &&
            !IsTrue(options, "IsAotCompatible") && !IsTrue(options, "IsTrimmable") &&
            !string.Equals(reflection.Trim(), "false", System.StringComparison.OrdinalIgnoreCase);
        return allowed ? new JsonPolicy(true) : Strict;
    }

    private static bool IsTrue(AnalyzerConfigOptions options, string property)
        => options.TryGetValue("build_property." + property, out var value) &&
            string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);
}
