using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Consumers.Hosting;

/// <summary>
/// Reads typed values from a configuration section by hand (no reflection-based binder, so trimming and Native
/// AOT stay safe), with errors that name the key. Each method leaves the setting alone when the key is missing or empty.
/// Also read by the packages that add their own settings under <c>Consumers</c> (<c>Consumers:Nats</c>, through
/// <c>InternalsVisibleTo</c>).
/// </summary>
internal static class ConfigurationReader
{
    /// <summary>Reads a whole number.</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key within it.</param>
    /// <param name="apply">Receives the value.</param>
    /// <exception cref="InvalidOperationException">The value is not a whole number; the message names <c>section:key</c> and the text.</exception>
    public static void Read(IConfigurationSection section, string key, Action<int> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a whole number."));
        }
    }

    /// <summary>Reads a number (invariant culture).</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key within it.</param>
    /// <param name="apply">Receives the value.</param>
    /// <exception cref="InvalidOperationException">The value is not a number; the message names <c>section:key</c> and the text.</exception>
    public static void Read(IConfigurationSection section, string key, Action<double> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a number."));
        }
    }

    /// <summary>Reads a time span (<c>hh:mm:ss[.fff]</c>, invariant culture).</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key within it.</param>
    /// <param name="apply">Receives the value.</param>
    /// <exception cref="InvalidOperationException">The value is not a time span; the message names <c>section:key</c> and the text.</exception>
    public static void Read(IConfigurationSection section, string key, Action<TimeSpan> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not a time span (hh:mm:ss)."));
        }
    }

    /// <summary>Reads <c>true</c> or <c>false</c> (any case).</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key within it.</param>
    /// <param name="apply">Receives the value.</param>
    /// <exception cref="InvalidOperationException">The value is neither; the message names <c>section:key</c> and the text.</exception>
    public static void Read(IConfigurationSection section, string key, Action<bool> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(bool.TryParse(text, out var value)
                ? value
                : throw new InvalidOperationException($"{section.Path}:{key} = \"{text}\" is not true or false."));
        }
    }

    /// <summary>Reads a non-empty string.</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key within it.</param>
    /// <param name="apply">Receives the value.</param>
    public static void Read(IConfigurationSection section, string key, Action<string> apply)
    {
        if (section[key] is { Length: > 0 } text)
        {
            apply(text);
        }
    }

    /// <summary>A list from <c>key</c> (comma-separated) or from the children of <c>keys</c>.</summary>
    /// <param name="section">The section.</param>
    /// <param name="key">The key of the comma-separated form.</param>
    /// <param name="keys">The key whose children are the items.</param>
    /// <param name="apply">Receives the list when either form has an item.</param>
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
