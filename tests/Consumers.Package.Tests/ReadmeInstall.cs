using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Consumers.Package.Tests;

/// <summary>The README's "Install" section: its shell commands, as a newcomer copies them.</summary>
internal static class ReadmeInstall
{
    /// <summary>The commands of the section's first <c>bash</c> block, one a line, without their <c># comments</c>.</summary>
    public static List<string> Commands()
    {
        var section = Section();
        var block = Regex.Match(section, "```bash\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.That(block.Success, Is.True, "README.md's Install section has a bash block");
        return [.. block.Groups["code"].Value.Split('\n')
            .Select(line => Regex.Replace(line, @"\s+#.*$", "").Trim())
            .Where(line => line.Length > 0)];
    }

    /// <summary>The text of the section, from its heading to the next <c>## </c> heading.</summary>
    public static string Section()
    {
        var readme = File.ReadAllText(Path.Combine(OutsideProjects.RepositoryRoot(), "README.md"));
        var match = Regex.Match(readme, "^## Install\n(?<body>.*?)(?=^## )", RegexOptions.Singleline | RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, "README.md has a '## Install' section");
        return match.Groups["body"].Value;
    }
}
