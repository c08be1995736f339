using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Consumers.Hosting;

/// <summary>
/// Reads typed values from a configuration section by hand (no reflection-based binder, so trimming and Native
/// AOT stay safe), with errors that name the key.
/// </summary>
internal static class ConfigurationReader
{
    public static void Read(IConfigurationSection section, string key, Action<int> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a whole number."));
        }
    }

    public static void Read(IConfigurationSection section, string key, Action<double> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a number."));
        }
    }

    public static void Read(IConfigurationSection section, string key, Action<TimeSpan> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a time span (hh:mm:ss)."));
        }
    }

    public static void Read(IConfigurationSection section, string key, Action<string> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(text);
        }
    }

    /// <summary>A list from <c>key</c> (comma-separated) or from the children of <c>keys</c>.</summary>
    public static void ReadList(IConfigurationSection section, string key, string keys, Action<List<string>> apply)
    {
        var children = section.GetSection(keys).GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList();
        if (children.Count > 0)
        {
            apply(children);
        }
        else if (section[key] is { Length: > 0 } text)
        {
            apply([.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]);
        }
    }
}
