using System.Numerics;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// A user's <see cref="SegmentationFilter"/> from another assembly (this test assembly), loaded by worker processes
/// and Slurm tasks like any operation: the block-wise output equals numpy's whole-volume filter, out-of-mask voxels
/// keep the output's values, and a block subset touches only its blocks. A nested filter run as
/// <see cref="SegmentationFilterVerb"/> is recorded in run.json and recreated from it by a resume.
/// </summary>
public sealed class SegmentationFilterTests : IDisposable
{
    private readonly OperationFixture _fixture = new("segfilter-");

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(JobType.Local, false)]
    [InlineData(JobType.Local, true)]
    [InlineData(JobType.Subprocess, true)]
    [InlineData(JobType.Slurm, true)]
    public void Block_wise_filter_equals_numpy(JobType jobType, bool masked)
    {
        var (path, labels) = _fixture.Input<int>("labels", v => (int)(v * 40));
        labels.Dispose();
        string maskPath = Path.Combine(_fixture.Directory, "mask.npy");
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], (np.arange(13 * 17 * 19).reshape(13, 17, 19) % 7 != 3))", maskPath);
        string outputPath = Path.Combine(_fixture.Directory, $"out_{jobType}_{masked}.npy");
        var output = NpySource.Create(outputPath, DType.Int32, [13, 17, 19]);
        var options = _fixture.Options(jobType, 2, [4, 5, 6]) with { Mask = masked ? Source.Open(maskPath) : null };
        Runner.Run(new ZeroBelowFilter { Below = 9 }, [Source.Open(path)], [output], options);
        string verdict = Python.Run(
            """
            import sys, numpy as np
            a = np.load(sys.argv[1]); out = np.load(sys.argv[2])
            m = np.load(sys.argv[3]) if sys.argv[4] == 'True' else np.ones(a.shape, bool)
            expected = np.where(m & (a < 9), 0, np.where(m, a, 0))
            print('ok' if np.array_equal(out, expected) and (a >= 9).any() and (m & (a > 0) & (a < 9)).any() else 'differ')
            """,
            path, outputPath, maskPath, masked.ToString());
        Assert.Equal("ok", verdict.Trim());
    }

    [Theory]
    [InlineData(JobType.Subprocess)]
    [InlineData(JobType.Slurm)]
    public void A_failed_run_of_a_nested_filter_resumes_from_its_record(JobType jobType)
    {
        var (path, labels) = _fixture.Input<ushort>("nested", v => (ushort)(v * 40));
        labels.Dispose();
        string marker = Path.Combine(_fixture.Directory, "fail-now");
        File.WriteAllText(marker, string.Empty);
        var verb = SegmentationFilterVerb.Of(new UserFilters.ZeroBelowUnlessMarked { Below = 7, FailWhileExists = marker });
        Assert.Equal(typeof(UserFilters.ZeroBelowUnlessMarked).FullName, verb.Filter);
        var output = _fixture.Output("nested_out", [13, 17, 19], DType.UInt16, [4, 5, 6]);
        var options = _fixture.Options(jobType, 2, [4, 5, 6]);

        var error = Assert.Throws<RunnerException>(() => Executor.Run(verb, [Source.Open(path)], [output], options));
        string folder = error.TmpFolder!;
        Assert.Contains("ZeroBelowUnlessMarked", File.ReadAllText(Path.Combine(folder, "run.json")), StringComparison.Ordinal);
        File.Delete(marker);
        var report = Executor.Resume(folder, new RunOptions { Slurm = options.Slurm });

        Assert.Equal(folder, report.ResumedFrom);
        Assert.False(Directory.Exists(folder));
        string verdict = Python.Run(
            "import sys, numpy as np, zarr; a = np.load(sys.argv[1]); out = zarr.open(sys.argv[2], mode='r')[...]; print('ok' if np.array_equal(out, np.where(a < 7, 0, a)) and (a >= 7).any() and ((a > 0) & (a < 7)).any() else 'differ')",
            path, output.Spec.Path);
        Assert.Equal("ok", verdict.Trim());
    }

    [Fact]
    public void A_block_subset_writes_only_its_blocks()
    {
        var (path, labels) = _fixture.Input<ushort>("subset", v => (ushort)(v * 40));
        labels.Dispose();
        string outputPath = Path.Combine(_fixture.Directory, "subset_out.npy");
        var output = NpySource.Create(outputPath, DType.UInt16, [13, 17, 19]);
        Runner.Run(new ZeroBelowFilter { Below = 5 }, [Source.Open(path)], [output], _fixture.Options(JobType.Local, 1, [4, 5, 6]) with { BlockIds = [0] });
        string verdict = Python.Run(
            "import sys, numpy as np; a = np.load(sys.argv[1]); out = np.load(sys.argv[2]); b = np.where(a < 5, 0, a)[:4, :5, :6]; rest = out.copy(); rest[:4, :5, :6] = 0; print('ok' if np.array_equal(out[:4, :5, :6], b) and not rest.any() else 'differ')",
            path, outputPath);
        Assert.Equal("ok", verdict.Trim());
    }
}

/// <summary>A user's filter: labels below <see cref="Below"/> become background (the mask's voxels only).</summary>
public sealed class ZeroBelowFilter : SegmentationFilter
{
    public long Below { get; set; }

    protected override void Filter<T>(Span3D<T> labels, bool[]? inside) => Apply(labels, inside);

    /// <summary>The filter itself (for other filters to reuse).</summary>
    internal void Apply<T>(Span3D<T> labels, bool[]? inside)
        where T : unmanaged, IBinaryInteger<T>
    {
        var below = T.CreateSaturating(Below);
        int i = 0;
        for (int z = 0; z < labels.Depth; z++)
        {
            for (int y = 0; y < labels.Height; y++)
            {
                foreach (ref T label in labels.GetRowSpan(z, y))
                {
                    label = label < below && inside?[i] != false ? T.Zero : label;
                    i++;
                }
            }
        }
    }
}

/// <summary>Filters declared inside a class, as users group them.</summary>
public static class UserFilters
{
    /// <summary>Labels below <see cref="Below"/> become background; every block fails while the file <see cref="FailWhileExists"/> exists.</summary>
    public sealed class ZeroBelowUnlessMarked : SegmentationFilter
    {
        public long Below { get; set; }

        public string FailWhileExists { get; set; } = string.Empty;

        protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
        {
            if (File.Exists(FailWhileExists))
            {
                throw new InvalidOperationException($"{FailWhileExists} exists: injected failure.");
            }

            new ZeroBelowFilter { Below = Below }.Apply(labels, inside);
        }
    }
}
