namespace Consumers.Chat.Tests;

/// <summary>
/// Runs the Node scripts of <c>tests/js</c> (the AsyncAPI parser check, the generated client's drive, the TypeScript
/// check) with the packages of its committed <c>package-lock.json</c>, installed once per test run with <c>npm ci</c>.
/// </summary>
internal static class NodeScripts
{
    private static readonly SemaphoreSlim s_install = new(1, 1);
    private static bool s_installed;

    public static string Directory { get; } = Path.Combine(ChatApp.RepositoryRoot(), "tests", "js");

    /// <summary>Runs <c>node <paramref name="script"/> args...</c> in <c>tests/js</c>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        await EnsureInstalledAsync();
        return await ExecAsync("node", [script, .. arguments], TimeSpan.FromMinutes(2));
    }

    /// <summary>Starts <c>node <paramref name="script"/> args...</c> for a test that steps through its output.</summary>
    public static async Task<NodeProcess> StartAsync(string script, params string[] arguments)
    {
        await EnsureInstalledAsync();
        return new NodeProcess("node", [script, .. arguments], Directory);
    }

    private static async Task EnsureInstalledAsync()
    {
        await s_install.WaitAsync();
        try
        {
            if (s_installed)
            {
                return;
            }

            foreach (var tool in new[] { "node", "npm" })
            {
                if (!OnPath(tool))
                {
                    Assert.Fail($"'{tool}' is not on PATH: install Node.js 20 or later with npm (Debian: apt-get install -y nodejs npm).");
                }
            }

            // npm ci installs exactly the lock file's versions; skipped when they are already there.
            var marker = Path.Combine(Directory, "node_modules", ".package-lock.json");
            if (!File.Exists(marker) || File.GetLastWriteTimeUtc(marker) < File.GetLastWriteTimeUtc(Path.Combine(Directory, "package-lock.json")))
            {
                var (code, output) = await ExecAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                if (code != 0)
                {
                    Assert.Fail($"npm ci in {Directory} failed ({code}):\n{output}");
                }
            }

            s_installed = true;
        }
        finally
        {
            s_install.Release();
        }
    }

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    private static async Task<(int ExitCode, string Output)> ExecAsync(string file, string[] arguments, TimeSpan timeout)
    {
        using var process = new NodeProcess(file, arguments, Directory);
        return await process.WaitForExitAsync(timeout);
    }
}
