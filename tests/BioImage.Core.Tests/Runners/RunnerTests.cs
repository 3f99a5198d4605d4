using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Samples;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Runners;

/// <summary>Backends agree bit for bit; failures name exactly the blocks that did not complete; resume finishes the run.</summary>
public sealed class RunnerTests() : RunnerFixture("runner-")
{
    private static readonly long[] BlockShape = [4, 5, 6];

    public static TheoryData<JobType, int> Backends => new()
    {
        { JobType.Local, 1 },
        { JobType.Local, 4 },
        { JobType.Subprocess, 1 },
        { JobType.Subprocess, 3 },
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Copy_equals_the_input(JobType jobType, int workers)
    {
        var output = NpySource.Create(Path.Combine(Folder, "copy.npy"), DType.Float32, Shape);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], Options(jobType, workers));
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Halo_operation_equals_the_whole_volume_result(JobType jobType, int workers)
    {
        using var whole = NpyFile.Read<float>(Input);
        using var expected = NdArray<float>.Allocate(whole.Shape);
        MaxFilter.Apply(whole, Region.FromShape(Shape), expected);

        var output = NpySource.Create(Path.Combine(Folder, "max.npy"), DType.Float32, Shape);
        Runner.Run(new MaxFilterOperation(), [Source.Open(Input)], [output], Options(jobType, workers));
        using var actual = NpyFile.Read<float>(output.Spec.Path);
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Reduce_equals_the_whole_volume_moments_bit_for_bit(JobType jobType, int workers)
    {
        using var whole = NpyFile.Read<float>(Input);
        var expected = Stats.Compute(whole, BlockShape, workers: 1);
        var actual = Stats.Compute(Source.Open(Input), Options(jobType, workers));
        Assert.Equal(expected, actual);
        Assert.Equal(Moments.Of<float>(whole.Span).Count, actual.Count);
    }

    [Theory]
    [InlineData("throw")]
    [InlineData("exit")]
    [InlineData("kill")]
    public void Subprocess_failure_names_the_blocks_keeps_the_folder_and_resume_finishes(string mode)
    {
        // 4·4·4 = 64 blocks over 3 tasks: task 0 = blocks 0..21, task 1 = 22..42, task 2 = 43..63.
        string marker = Path.Combine(Folder, "fail-now");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, "faulty.npy"), DType.Float32, Shape);
        var operation = new FaultyCopyOperation { FailOnBlock = 30, FailWhileExists = marker, Mode = mode };
        var options = Options(JobType.Subprocess, 3);

        var error = Assert.Throws<RunnerException>(() => Runner.Run(operation, [Source.Open(Input)], [output], options));
        Assert.Equal(Enumerable.Range(30, 13).Select(i => (long)i), error.FailedBlockIds);
        Assert.NotNull(error.TmpFolder);
        Assert.True(Directory.Exists(error.TmpFolder));
        Assert.Contains("task(s) without success: 1", error.Message, StringComparison.Ordinal);
        Assert.Contains(mode == "throw" ? "injected failure on block 30" : "exited with code", error.Message, StringComparison.Ordinal);

        File.Delete(marker);
        Runner.Run(operation, [Source.Open(Input)], [output], options with { ResumeFrom = error.TmpFolder });
        Assert.False(Directory.Exists(error.TmpFolder));
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Fact]
    public void Local_failures_are_collected_and_every_other_block_runs()
    {
        string marker = Path.Combine(Folder, "fail-now");
        File.WriteAllText(marker, string.Empty);
        var output = NpySource.Create(Path.Combine(Folder, "local-faulty.npy"), DType.Float32, Shape);
        var error = Assert.Throws<RunnerException>(() => Runner.Run(new FaultyCopyOperation { FailOnBlock = 7, FailWhileExists = marker }, [Source.Open(Input)], [output], Options(JobType.Local, 2)));
        Assert.Equal(new long[] { 7 }, error.FailedBlockIds);
        Assert.Null(error.TmpFolder);

        File.Delete(marker);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], Options(JobType.Local, 2) with { BlockIds = error.FailedBlockIds });
        Assert.Equal(File.ReadAllBytes(Input), File.ReadAllBytes(output.Spec.Path));
    }

    [Theory]
    [InlineData(JobType.Local)]
    [InlineData(JobType.Subprocess)]
    public void Block_ids_run_only_those_blocks(JobType jobType)
    {
        var output = NpySource.Create(Path.Combine(Folder, "subset.npy"), DType.Float32, Shape);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], Options(jobType, 2) with { BlockIds = [0, 63] });
        using var copied = NpyFile.Read<float>(output.Spec.Path);
        using var original = NpyFile.Read<float>(Input);
        var blocking = new global::BioImage.Blocking(Shape, BlockShape);
        long written = copied.Span.ToArray().Count(v => v != 0);
        Assert.Equal(blocking.GetBlock(0).VoxelCount + blocking.GetBlock(63).VoxelCount, written);
        Assert.Equal(original[12, 16, 18], copied[12, 16, 18]);
        Assert.Equal(original[0, 0, 0], copied[0, 0, 0]);
    }

    [Theory]
    [InlineData(JobType.Local)]
    [InlineData(JobType.Subprocess)]
    public void Mask_limits_copy_and_stats(JobType jobType)
    {
        using var maskArray = NdArray<byte>.Allocate([13, 17, 19]);
        maskArray.AsSpan3D().Slice(2, 3, 4, 5, 6, 7).Fill(1);
        string maskPath = Path.Combine(Folder, "mask.npy");
        NpyFile.Write(maskPath, maskArray);
        var options = Options(jobType, 2) with { Mask = Source.Open(maskPath) };

        var output = NpySource.Create(Path.Combine(Folder, "masked.npy"), DType.Float32, Shape);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], options);
        using var original = NpyFile.Read<float>(Input);
        using var copied = NpyFile.Read<float>(output.Spec.Path);
        var expectedValues = new List<float>();
        for (int i = 0; i < original.Length; i++)
        {
            bool inside = maskArray.Span[i] != 0;
            Assert.Equal(inside ? original.Span[i] : 0f, copied.Span[i]);
            if (inside)
            {
                expectedValues.Add(original.Span[i]);
            }
        }

        var moments = Stats.Compute(Source.Open(Input), options);
        Assert.Equal(expectedValues.Count, moments.Count);
        Assert.Equal(expectedValues.Max(), moments.Max);
        Assert.Equal(expectedValues.Average(v => (double)v), moments.Mean, 1e-9);
    }

    [Fact]
    public void Bad_run_arguments_are_refused_before_anything_runs()
    {
        var input = Source.Open(Input);
        var output = NpySource.Create(Path.Combine(Folder, "bad.npy"), DType.Float32, Shape);
        using var memory = NdArray<float>.Allocate([13, 17, 19]);
        var inMemory = new ArraySource<float>(memory);

        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [output], Options(JobType.Subprocess, 1) with { ResumeFrom = Folder, BlockIds = [1] })).Message, StringComparison.Ordinal);
        Assert.Contains("local runs keep no temp folder", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [output], Options(JobType.Local, 1) with { ResumeFrom = Folder })).Message, StringComparison.Ordinal);
        Assert.Contains("file-backed output", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [inMemory], Options(JobType.Subprocess, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("read-only", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [Source.Open(Input)], Options(JobType.Subprocess, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("block_shape has 2 values", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [output], new RunOptions { BlockShape = [4, 4] })).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<ArgumentOutOfRangeException>(() => Runner.Run(new CopyOperation(), [input], [output], Options(JobType.Local, 1) with { BlockIds = [64] })).Message, StringComparison.Ordinal);
        var wrongShape = NpySource.Create(Path.Combine(Folder, "wrong.npy"), DType.Float32, [13, 17, 18]);
        Assert.Contains("must end with the domain shape", Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [wrongShape], Options(JobType.Local, 1))).Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Folder));
    }

    [Theory]
    [InlineData(JobType.Local, 4)]
    [InlineData(JobType.Subprocess, 3)]
    public void Blocks_smaller_than_a_shard_are_grouped_per_shard_and_the_copy_is_exact(JobType jobType, int workers)
    {
        // Shards (8, 10, 12) of inner chunks (4, 5, 6): the (4, 5, 6) blocks come 8 to a shard and must not race.
        var options = new global::BioImage.Storage.Metadata.ArrayOptions { Shape = Shape, DType = DType.Float32, Chunks = [4, 5, 6], Shards = [8, 10, 12] };
        var output = ChunkedSource.Create(Path.Combine(Folder, "sharded.zarr"), null, options);
        Assert.Equal(new long[] { 4, 5, 6 }, output.Chunks);
        Assert.Equal(new long[] { 8, 10, 12 }, output.Shards);
        Runner.Run(new CopyOperation(), [Source.Open(Input)], [output], Options(jobType, workers));
        using var expected = NpyFile.Read<float>(Input);
        using var actual = NdArray<float>.Allocate(expected.Shape);
        Source.Open(Path.Combine(Folder, "sharded.zarr")).Read(Region.FromShape(Shape), actual.AsSpan3D());
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Fact]
    public void Shard_groups_keep_every_shard_in_one_group_and_merge_blocks_spanning_shards()
    {
        var blocking = new global::BioImage.Blocking([12, 12], [4, 4]);
        var ids = Enumerable.Range(0, (int)blocking.BlockCount).Select(i => (long)i).ToArray();
        var aligned = ShardGroups.Of(blocking, ids, [new long[] { 8, 8 }]);
        Assert.Equal(new[] { new long[] { 0, 1, 3, 4 }, [2, 5], [6, 7], [8] }, aligned);
        var straddling = ShardGroups.Of(blocking, ids, [new long[] { 6, 12 }]);
        Assert.Equal(new[] { Enumerable.Range(0, 9).Select(i => (long)i).ToArray() }, straddling);
        Assert.Equal(ids.Select(id => new[] { id }), ShardGroups.Of(blocking, ids, []));
        Assert.Equal(new[] { new long[] { 0, 1, 3, 4, 2, 5 }, [6, 7, 8] }, DistributedRun.Partition(aligned, 2));
    }

    [Fact]
    public void Block_shapes_that_are_not_chunk_multiples_are_refused_with_a_proposal()
    {
        using var data = NdArray<float>.Allocate([13, 17, 19]);
        var chunked = new DisguisedSource(new ArraySource<float>(data), chunks: [4, 4, 4]);
        var error = Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [chunked], [chunked], new RunOptions { BlockShape = [4, 5, 8] }));
        Assert.Contains("Unsafe block shape for writing", error.Message, StringComparison.Ordinal);
        Assert.Contains("--block-shape 4,8,8", error.Message, StringComparison.Ordinal);
        Runner.Run(new CopyOperation(), [chunked], [chunked], new RunOptions { BlockShape = [8, 4, 12] });
    }

    [Theory]
    [InlineData(JobType.Local)]
    [InlineData(JobType.Subprocess)]
    public void Map_runs_items_and_names_failed_items(JobType jobType)
    {
        var options = Options(jobType, 3) with { BlockShape = null };
        var results = Runner.Map(new SquareOperation(), 25, options);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i * i), results.Select(r => r.Value));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), results.Select(r => r.BlockId));
        Assert.Empty(Runner.Map(new SquareOperation(), 0, options));

        string marker = Path.Combine(Folder, "fail-item");
        File.WriteAllText(marker, string.Empty);
        var error = Assert.Throws<RunnerException>(() => Runner.Map(new SquareOperation { FailOnItem = 20, FailWhileExists = marker }, 25, options));
        // Distributed tasks stop at their first failure: items 17..24 form the last of 3 tasks.
        Assert.Equal(jobType == JobType.Local ? [20L] : Enumerable.Range(20, 5).Select(i => (long)i), error.FailedBlockIds);
    }

    [Fact]
    public void Hdf5_outputs_are_refused_for_distributed_runs()
    {
        var input = Source.Open(Input);
        var hdf5 = new DisguisedSource(input, spec: new SourceSpec("hdf5", "/data/out.h5", "raw", "r+"));
        var error = Assert.Throws<ArgumentException>(() => Runner.Run(new CopyOperation(), [input], [hdf5], Options(JobType.Subprocess, 2)));
        Assert.Contains("HDF5", error.Message, StringComparison.Ordinal);
        Assert.Contains("Zarr or N5", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A source that reports other chunks or another spec than the one it wraps, to check what the runner
    /// accepts without those formats existing yet.</summary>
    private sealed class DisguisedSource(ISource inner, long[]? chunks = null, SourceSpec? spec = null) : ISource
    {
        public IReadOnlyList<long> Shape => inner.Shape;

        public DType DType => inner.DType;

        public IReadOnlyList<long>? Chunks => chunks ?? inner.Chunks;

        public bool Writable => inner.Writable || spec is not null;

        public SourceSpec? Spec => spec ?? inner.Spec;

        public void Read<T>(Region region, Span3D<T> destination)
            where T : unmanaged, System.Numerics.INumber<T> => inner.Read(region, destination);

        public void Write<T>(Region region, ReadOnlySpan3D<T> source)
            where T : unmanaged, System.Numerics.INumber<T> => inner.Write(region, source);
    }

    [Fact]
    public void In_memory_sources_run_locally()
    {
        using var data = NpyFile.Read<float>(Input);
        using var copy = NdArray<float>.Allocate(data.Shape);
        Runner.Run(new CopyOperation(), [new ArraySource<float>(data)], [new ArraySource<float>(copy)], Options(JobType.Local, 3));
        Assert.Equal(data.ToArray(), copy.ToArray());
    }

    private RunOptions Options(JobType jobType, int workers) => new()
    {
        JobType = jobType,
        Workers = workers,
        BlockShape = BlockShape,
        TmpRoot = Path.Combine(Folder, "tmp"),
    };
}
