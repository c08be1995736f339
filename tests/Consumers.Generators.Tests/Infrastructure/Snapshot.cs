using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>
/// Our own snapshot assertion (Verify's convention, without the package): the expected text lives in
/// <c>Snapshots/&lt;name&gt;.verified.&lt;ext&gt;</c> in the source tree. A mismatch or a missing file writes
/// <c>&lt;name&gt;.received.&lt;ext&gt;</c> beside it and fails with a line diff; run with
/// <c>CONSUMERS_ACCEPT_SNAPSHOTS=1</c> to accept the received text as the new verified file.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "CONSUMERS_ACCEPT_SNAPSHOTS";

    private const int MaxDiffLines = 80;

    /// <summary>The directory holding the snapshots, from the project directory recorded at build time.</summary>
    public static string Directory { get; } = Path.Combine(
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!,
        "Snapshots");

    /// <summary>Compares generated C# with <c>&lt;name&gt;.verified.cs</c>.</summary>
    public static void VerifySource(string actual, string? suffix = null, [CallerMemberName] string name = "")
        => Verify(actual, "cs", suffix is null ? name : $"{name}.{suffix}");

    /// <summary>Compares diagnostics text with <c>&lt;name&gt;.verified.txt</c>.</summary>
    public static void VerifyText(string actual, [CallerMemberName] string name = "")
        => Verify(actual, "txt", name);

    public static void Verify(string actual, string extension, string name)
    {
        var result = Compare(Scrub(actual), Directory, name, extension, Environment.GetEnvironmentVariable(AcceptVariable) == "1");
        if (result is not null)
        {
            Assert.Fail(result);
        }
    }

    /// <summary>The comparison itself, apart from NUnit: null on success, else the failure message.</summary>
    internal static string? Compare(string actual, string directory, string name, string extension, bool accept)
    {
        actual = Normalize(actual);
        var verified = Path.Combine(directory, $"{name}.verified.{extension}");
        var received = Path.Combine(directory, $"{name}.received.{extension}");
        var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return null;
        }

        if (accept)
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return null;
        }

        File.WriteAllText(received, actual);
        var hint = $"Compare {received} with {verified}; if the new output is right, rename it or rerun with {AcceptVariable}=1.";
        return expected is null
            ? $"Snapshot '{name}.verified.{extension}' does not exist; the output was written to '{name}.received.{extension}'.\n{hint}"
            : $"Snapshot '{name}.verified.{extension}' differs from the output (- verified, + received):\n{Diff(expected, actual)}\n{hint}";
    }

    /// <summary>A line diff (longest common subsequence) with line numbers of the verified and received text.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        var lines = 0;
        int x = 0, y = 0;
        while ((x < a.Length || y < b.Length) && lines < MaxDiffLines)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
                continue;
            }

            if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("+ ").Append((y + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").Append(b[y]).Append('\n');
                y++;
            }
            else
            {
                output.Append("- ").Append((x + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").Append(a[x]).Append('\n');
                x++;
            }

            lines++;
        }

        if (lines == MaxDiffLines)
        {
            output.Append("  ... (diff truncated)\n");
        }

        return output.ToString();
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n");

    // The generator's version is stamped into [GeneratedCode]; a version bump must not break every snapshot.
    private static string Scrub(string text) => GeneratedCodeVersion().Replace(text, "$1{version}$2");

    [GeneratedRegex("""(GeneratedCode\("Consumers\.Generators", ")[^"]*("\))""")]
    private static partial Regex GeneratedCodeVersion();
}
