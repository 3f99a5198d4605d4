using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace BioImage.Benchmarks;

/// <summary>
/// The configuration every suite runs with: medians and allocations are reported (MemoryDiagnoser), jobs come from the
/// command line (<c>--job short</c> for quick runs: 1 launch, 3 warm-ups, 3 iterations), and
/// <see cref="CompareIntrinsicsFlag"/> replaces them with a pair of short jobs — hardware intrinsics off
/// (<c>DOTNET_EnableHWIntrinsic=0</c>, the scalar fallbacks, the baseline) versus the default SIMD paths —
/// so the Ratio column shows what the vector code buys.
/// </summary>
public sealed class Config : ManualConfig
{
    /// <summary>Our one command-line flag on top of BenchmarkDotNet's.</summary>
    public const string CompareIntrinsicsFlag = "--compare-intrinsics";

    /// <summary>The scalar job of the comparison: every kernel takes its non-vector path.</summary>
    public static Job NoIntrinsics { get; } = Job.ShortRun
        .WithEnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")
        .WithId("NoHWIntrinsics")
        .AsBaseline();

    /// <summary>The SIMD job of the comparison: the runtime's default vector width.</summary>
    public static Job Simd { get; } = Job.ShortRun.WithId("Simd");

    /// <summary>The shared configuration; <paramref name="compareIntrinsics"/> adds the intrinsics comparison jobs.</summary>
    public Config(bool compareIntrinsics)
    {
        Add(DefaultConfig.Instance);
        AddColumn(StatisticColumn.Median);
        AddDiagnoser(MemoryDiagnoser.Default);
        if (compareIntrinsics)
        {
            AddJob(NoIntrinsics, Simd);
        }
    }
}
