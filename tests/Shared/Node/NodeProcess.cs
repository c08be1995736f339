using System.Diagnostics;
using System.Text;
using NUnit.Framework;

namespace Consumers.Tests.Node;

/// <summary>A running process whose output a test can wait on, line by line (for scripts the test steps through).</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public NodeProcess(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> was written; fails the test on a timeout or an early exit.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited && !Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.Fail($"The script exited ({_process.ExitCode}) before writing \"{text}\":\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The script did not write \"{text}\" within {timeout}:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the exit; returns the exit code and the output. Kills the process and fails on a timeout.</summary>
    public async Task<(int ExitCode, string Output)> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The process did not finish within {timeout}:\n{Output}");
        }

        _process.WaitForExit();
        return (_process.ExitCode, Output);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
