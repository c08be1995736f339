using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>
/// MSBuild properties as the compiler shows them to generators (<c>build_property.X</c> global options), the way the
/// package's <c>Consumers.targets</c> makes them visible with <c>CompilerVisibleProperty</c>.
/// </summary>
internal static class BuildProperties
{
    /// <summary>A plain application: every property the targets expose is visible and empty (reflection-based JSON allowed).</summary>
    public static IReadOnlyDictionary<string, string> PlainApp(params (string Name, string Value)[] overrides)
    {
        var properties = new Dictionary<string, string>
        {
            ["PublishAot"] = "",
            ["PublishTrimmed"] = "",
            ["IsAotCompatible"] = "",
            ["IsTrimmable"] = "",
            ["JsonSerializerIsReflectionEnabledByDefault"] = "",
        };
        foreach (var (name, value) in overrides)
        {
            properties[name] = value;
        }

        return properties;
    }

    public static AnalyzerConfigOptionsProvider Provider(IReadOnlyDictionary<string, string> properties)
        => new OptionsProvider(new Options(properties.ToImmutableDictionary(p => "build_property." + p.Key, p => p.Value)));

    private sealed class OptionsProvider(AnalyzerConfigOptions global) : AnalyzerConfigOptionsProvider
    {
        private static readonly AnalyzerConfigOptions s_empty = new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GlobalOptions => global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
