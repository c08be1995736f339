using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Routing;

namespace Consumers.Groups;

/// <summary>Group name templates of <see cref="ConsumerGroupsAttribute"/>: literal text with <c>{routeValue}</c> placeholders.</summary>
internal static class GroupTemplate
{
    /// <summary>Checks a template's shape at mapping time.</summary>
    /// <exception cref="ArgumentException">Unbalanced braces, an empty placeholder, or literal text that is not allowed in group names.</exception>
    public static void Check(string template, string consumer)
    {
        var literal = new StringBuilder();
        foreach (var (text, isPlaceholder) in Split(template, consumer))
        {
            if (isPlaceholder)
            {
                literal.Append('x');
            }
            else
            {
                literal.Append(text);
            }
        }

        if (!GroupName.IsValid(literal.ToString()))
        {
            throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} cannot make a valid group name: use ASCII letters, digits, '-', '_', '.', ':' and {{routeValue}} placeholders.");
        }
    }

    /// <summary>Formats a template from route values.</summary>
    /// <exception cref="InvalidOperationException">A placeholder has no route value (a mapping mistake).</exception>
    /// <exception cref="InvalidGroupValueException">The request's route values make an invalid group name (the client's mistake).</exception>
    public static string Format(string template, RouteValueDictionary routeValues, string consumer)
    {
        var name = new StringBuilder();
        foreach (var (text, isPlaceholder) in Split(template, consumer))
        {
            if (!isPlaceholder)
            {
                name.Append(text);
            }
            else if (routeValues.TryGetValue(text, out var value) && value is not null)
            {
                name.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            }
            else
            {
                throw new InvalidOperationException($"[ConsumerGroups] template \"{template}\" on {consumer} needs the route value \"{text}\", which the endpoint's pattern does not have.");
            }
        }

        var group = name.ToString();
        if (!GroupName.IsValid(group))
        {
            throw new InvalidGroupValueException($"The route values make the group \"{group}\" of [ConsumerGroups(\"{template}\")] on {consumer}, which is not a valid group name: use only ASCII letters, digits, '-', '_', '.' and ':', at most {GroupName.MaxLength} characters.");
        }

        return group;
    }

    private static List<(string Text, bool IsPlaceholder)> Split(string template, string consumer)
    {
        var parts = new List<(string, bool)>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            var close = template.IndexOf('}', position);
            if (open < 0)
            {
                if (close >= 0)
                {
                    throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has a '}}' without '{{'.");
                }

                parts.Add((template[position..], false));
                break;
            }

            if (close < open)
            {
                throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has unbalanced braces.");
            }

            if (open > position)
            {
                parts.Add((template[position..open], false));
            }

            var name = template[(open + 1)..close];
            if (name.Length == 0 || name.Contains('{'))
            {
                throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has an empty or nested placeholder.");
            }

            parts.Add((name, true));
            position = close + 1;
        }

        return parts;
    }
}
