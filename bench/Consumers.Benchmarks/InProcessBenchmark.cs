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
        return BenchmarkRunner.Run<TBenchmarks>(config);
    }
}
