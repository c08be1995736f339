using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Consumers.Package.Tests;

/// <summary>
/// Packs every shipped package once for all the package tests, with the README's own pack command (its Install
/// section's first line, <c>build/pack.sh</c>, given <c>--no-build</c>: this project's build has just built Release),
/// into the repository's <c>artifacts/packages</c>, where the README's next command points NuGet.
/// </summary>
[SetUpFixture]
public sealed class PackedFeed
{
    /// <summary>A temporary folder outside the repository for the tests' projects, and their private package cache.</summary>
    public static string Work { get; private set; } = null!;

    /// <summary>The folder the packages are packed into: <c>artifacts/packages</c> of the repository.</summary>
    public static string Feed { get; private set; } = null!;

    /// <summary>The packages' version.</summary>
    public static string Version { get; private set; } = null!;

    [OneTimeSetUp]
    public void Pack()
    {
        Work = Directory.CreateTempSubdirectory("consumers-package-").FullName;
        var pack = ReadmeInstall.Commands()[0];
        Assert.That(pack, Is.EqualTo("build/pack.sh"), "the README's first install command packs");
        var configuration = typeof(PackedFeed).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        Assert.That(configuration, Is.EqualTo("Release"), "build/pack.sh packs the Release build: run the package tests with -c Release");
        var result = OutsideProjects.Shell(OutsideProjects.RepositoryRoot(), pack + " --no-build");
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Feed = Path.Combine(OutsideProjects.RepositoryRoot(), "artifacts", "packages");
        Version = Regex.Match(result.Output, @"\(version (?<v>[^)]+)\)").Groups["v"].Value;
        Assert.That(Version, Is.Not.Empty, result.Output);
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(Work, recursive: true);

    /// <summary>The path of package <paramref name="id"/> in the feed.</summary>
    public static string Package(string id)
    {
        var path = Path.Combine(Feed, $"{id}.{Version}.nupkg");
        Assert.That(File.Exists(path), Is.True, $"build/pack.sh packed no {Path.GetFileName(path)}");
        return path;
    }
}
