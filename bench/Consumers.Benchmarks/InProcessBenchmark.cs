using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Consumers.Benchmarks;

/// <summary>
/// Runs a BenchmarkDotNet class in this process: no separate project to generate and build (the machine is slow and
/// shared); the benchmarks still get BenchmarkDotNet's pilot, warm-up, outlier handling and MemoryDiagnoser.
/// </summary>
internal static class InProcessBenchmark
{
    /// <summary>The job as the reports describe it.</summary>
    public static string Describe(bool quick) => quick ? "ShortRun (quick)" : "6 warm-up + 15 measured iterations";

    public static Summary Run<TBenchmarks>(bool quick)
    {
        var job = (quick ? Job.ShortRun : Job.Default.WithWarmupCount(6).WithIterationCount(15))
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateMinimumViable().AddJob(job).WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<TBenchmarks>(config);

        // A benchmark that threw (its set-up checks what it measures) has no result: fail the run, never report NaN.
        var failed = summary.Reports.Where(r => !r.Success || r.ResultStatistics is null).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
        if (failed.Count > 0 || summary.Reports.Length == 0)
        {
            throw new InvalidOperationException($"{typeof(TBenchmarks).Name}: no result for {(failed.Count > 0 ? string.Join("; ", failed) : "any benchmark")} (the log above says why).");
        }

        return summary;
    }
}
