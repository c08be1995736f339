using System.Diagnostics;

namespace Consumers.Benchmarks;

/// <summary>Runs a short command for the report's machine description and returns its trimmed output.</summary>
internal static class ShellCommand
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var text = (await output.ConfigureAwait(false)).Trim();
            return text.Length > 0 ? text : (await error.ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return $"({file} unavailable: {ex.Message})";
        }
    }
}
