using System.Text;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Converts C# names to the snake_case wire names: <c>JoinRoom</c> → <c>join_room</c>, <c>roomId</c> →
/// <c>room_id</c>, <c>HTTPServer</c> → <c>http_server</c>, <c>Room2Name</c> → <c>room2_name</c>
/// (the rules of System.Text.Json's <c>JsonNamingPolicy.SnakeCaseLower</c> for these shapes).
/// </summary>
internal static class SnakeCase
{
    public static string Convert(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? name[i - 1] : '\0';
                var next = i + 1 < name.Length ? name[i + 1] : '\0';
                var startsWord = i > 0 && previous != '_' &&
                    (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && char.IsLower(next)));
                if (startsWord)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The default action name: the method name without an <c>Async</c> suffix, in snake_case.</summary>
    public static string ActionName(string methodName)
    {
        var name = methodName.Length > 5 && methodName.EndsWith("Async", System.StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - 5)
            : methodName;
        return Convert(name);
    }
}
