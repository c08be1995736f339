namespace Consumers.Generators.Parsing;

/// <summary>
/// The property naming policies a <c>[JsonSourceGenerationOptions]</c> can name, with the values of System.Text.Json's
/// <c>JsonKnownNamingPolicy</c> (the attribute's argument arrives as that <c>int</c>); read for the TypeScript shapes.
/// </summary>
internal enum NamingPolicy
{
    /// <summary>The C# property name as it is.</summary>
    Unspecified = 0,

    /// <summary><c>camelCase</c> (also the policy of <c>JsonSerializerDefaults.Web</c>).</summary>
    CamelCase = 1,

    /// <summary><c>snake_case</c>: the wire's default, whatever the context says, unless it keeps its names.</summary>
    SnakeCaseLower = 2,

    /// <summary><c>SNAKE_CASE</c>.</summary>
    SnakeCaseUpper = 3,

    /// <summary><c>kebab-case</c>.</summary>
    KebabCaseLower = 4,

    /// <summary><c>KEBAB-CASE</c>.</summary>
    KebabCaseUpper = 5,
}
