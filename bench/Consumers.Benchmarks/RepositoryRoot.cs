namespace Consumers.Benchmarks;

/// <summary>Finds the checkout the benchmark runs from, so results land in its bench/ folder wherever it is started.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Consumers.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Consumers.sln not found above the current directory or the program; pass --out PATH.");
    }
}
