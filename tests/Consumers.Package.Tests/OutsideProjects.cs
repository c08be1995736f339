using System.Diagnostics;
using System.IO.Compression;
using NUnit.Framework;

namespace Consumers.Package.Tests;

/// <summary>
/// Projects outside the repository (its Directory.Build.props does not reach them) that get the Consumers packages
/// only from the packed feed (<see cref="PackedFeed"/>), and the commands that build and run them.
/// </summary>
internal static class OutsideProjects
{
    // "path(line,col): warning CODE: text [project]" and ILC's "Trim analysis warning IL2026: ...", each listed once (the build repeats them in its summary).
    public static List<(string Code, string Text)> Warnings(string output)
        => [.. output.Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"\bwarning (?<code>[A-Z]+[0-9]+): (?<text>.*)$"))
            .Where(m => m.Success)
            .Select(m => (m.Groups["code"].Value, m.Groups["text"].Value.Trim()))
            .Distinct()];

    public static string CreateProject(string name, string outputType, string program, bool treatWarningsAsErrors = true, string packages = "")
    {
        var directory = Path.Combine(PackedFeed.Work, name);
        Directory.CreateDirectory(directory);
        var version = PackedFeed.Version;
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Consumers" Version="{version}" />
                {packages.Replace("{version}", version)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), NuGetConfig());

        // Outside the repository, so that its Directory.Build.props does not apply.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    // The machine's fixed package folder (xunit and its runner), where there is one.
    public const string SdkPackages = "/opt/nuget/packages";

    /// <summary>
    /// The sources of an outside project: the Consumers packages only from the packed feed; everything else from the
    /// machine's package folder (laid out as a feed: no download for what the machine has), the SDK's fixed folder
    /// where there is one, else the registry.
    /// </summary>
    public static string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{PackedFeed.Feed}" />
            <add key="machine" value="{MachinePackages}" />
            {(Directory.Exists(SdkPackages) ? $"<add key=\"sdk-folder\" value=\"{SdkPackages}\" />" : "")}
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local"><package pattern="Consumers" /><package pattern="Consumers.*" /></packageSource>
            <packageSource key="machine"><package pattern="*" /></packageSource>
            {(Directory.Exists(SdkPackages) ? "<packageSource key=\"sdk-folder\"><package pattern=\"*\" /></packageSource>" : "")}
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    /// <summary>
    /// An NUnit or xunit project next to <paramref name="app"/> that references it and the Consumers.Testing package.
    /// </summary>
    public static string CreateTestProject(string name, string app, string framework, string code)
    {
        var directory = Path.Combine(PackedFeed.Work, name);
        Directory.CreateDirectory(directory);
        var version = PackedFeed.Version;
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsTestProject>true</IsTestProject>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Consumers.Testing" Version="{version}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="17.14.1" />
                {(framework == "nunit"
                    ? """<PackageReference Include="NUnit" Version="4.4.0" /><PackageReference Include="NUnit3TestAdapter" Version="5.2.0" />"""
                    : """<PackageReference Include="xunit" Version="2.9.3" /><PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />""")}
                <ProjectReference Include="{Path.Combine(app, Path.GetFileName(app) + ".csproj")}" />
              </ItemGroup>
            </Project>
            """);
        var config = NuGetConfig();
        File.WriteAllText(Path.Combine(directory, "nuget.config"), config);

        // The app restores beside it: the same sources.
        File.WriteAllText(Path.Combine(app, "nuget.config"), config);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Tests.cs"), code);
        return directory;
    }

    /// <summary>The C# block after <c>&lt;!-- example: NAME --&gt;</c> in docs/testing.md.</summary>
    public static string DocsExample(string name)
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "testing.md"));
        var marker = page.IndexOf($"<!-- example: {name} -->", StringComparison.Ordinal);
        Assert.That(marker, Is.Not.Negative, $"docs/testing.md has no example '{name}'");
        var start = page.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = page.IndexOf("\n```\n", start, StringComparison.Ordinal);
        return page[start..end] + "\n";
    }

    // What Native AOT restores (ILCompiler, runtime packs) from the machine's package folder, which is laid out as a
    // feed, or, on a machine that has not restored them yet, from the NuGet feed; the Consumers packages only ever come
    // from the test's own feed.
    public static string MachinePackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static (int ExitCode, string Output) Run(string directory, string file, string arguments, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // A private package cache: a Consumers package of the same version from an earlier run must not be reused.
        start.Environment["NUGET_PACKAGES"] = Path.Combine(PackedFeed.Work, "packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {arguments}' did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalMinutes} minutes.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    /// <summary>Runs <paramref name="command"/> as a line of a bash script (quotes and <c>$PWD</c> as a user's shell reads them).</summary>
    public static (int ExitCode, string Output) Shell(string directory, string command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var script = Path.Combine(PackedFeed.Work, $"command-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, command + "\n");
        return Run(directory, "bash", $"\"{script}\"", environment: environment);
    }

    public static string Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Consumers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Consumers.sln not found above " + AppContext.BaseDirectory);
    }
}
