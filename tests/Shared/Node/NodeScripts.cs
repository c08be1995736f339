using NUnit.Framework;

namespace Consumers.Tests.Node;

/// <summary>
/// Runs the Node scripts of <c>tests/js</c> (the AsyncAPI parser check, the generated client's drive, the TypeScript
/// check) with the packages of its committed <c>package-lock.json</c>, installed once per test run with <c>npm ci</c>.
/// Shared by the test projects that run them (linked from <c>tests/Shared/Node</c>).
/// </summary>
internal static class NodeScripts
{
    private static readonly SemaphoreSlim s_install = new(1, 1);
    private static bool s_installed;

    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "tests", "js");

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

            // Two test projects may run at once: one npm ci at a time in the shared folder (a lock file in the temporary folder, named after it).
            using var folderLock = await LockFolderAsync();

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

    private static async Task<FileStream> LockFolderAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "consumers-tests-js-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Directory)).AsSpan(0, 8)) + ".lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string RepositoryRoot()
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

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    private static async Task<(int ExitCode, string Output)> ExecAsync(string file, string[] arguments, TimeSpan timeout)
    {
        using var process = new NodeProcess(file, arguments, Directory);
        return await process.WaitForExitAsync(timeout);
    }
}
