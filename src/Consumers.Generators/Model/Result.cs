namespace Consumers.Generators.Model;

/// <summary>A pipeline value with the diagnostics found while producing it (MVVM Toolkit's <c>Result&lt;T&gt;</c>).</summary>
internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class;
