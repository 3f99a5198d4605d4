using System.Numerics;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise relabel_consecutive and size_filter equal bioimage-py's results (computed with numpy by
/// label_oracle.py, and skimage's relabel_sequential where it applies) and the whole-volume kernels, and relabel
/// with a map equals numpy applying the same dictionary, for every label dtype, odd shapes, blocks that divide no
/// axis, masks, all-zero volumes and volumes without background, on local threads and worker processes.
/// </summary>
[Collection(LabelOracleGroup.Name)]
public sealed class RelabelingTests(LabelOracle oracle)
{
    private static readonly long[] Blocks = [4, 5, 6];

    private static readonly (long Start, bool KeepZeros)[] ConsecutiveVariants = [(0, true), (1, true), (5, false)];

    /// <summary>Size-filter variants: which bounds (of the oracle's two) are given, and whether to relabel.</summary>
    private static readonly (string Name, bool Min, bool Max, bool Relabel)[] SizeVariants = [("min", true, false, true), ("max", false, true, true), ("both", true, true, false)];

    /// <summary>Every volume and variant on local threads; worker processes for two of them (they cost a second each).</summary>
    public static TheoryData<string, int, JobType, int> Cases()
    {
        var cases = new TheoryData<string, int, JobType, int>();
        foreach (string name in LabelOracle.Names)
        {
            for (int variant = 0; variant < 3; variant++)
            {
                cases.Add(name, variant, JobType.Local, 3);
            }
        }

        cases.Add("uint64", 0, JobType.Subprocess, 2);
        cases.Add("int32", 2, JobType.Subprocess, 2);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Consecutive_equals_bioimage_py_and_skimage(string name, int variant, JobType jobType, int workers)
    {
        var input = oracle.Input(name);
        var (start, keepZeros) = ConsecutiveVariants[variant];
        var output = oracle.Output(name, input.DType, Blocks);
        var mapping = Relabeling.Consecutive(input, output, oracle.Options(jobType, workers, Blocks), start, keepZeros);
        var expected = oracle.Expected(name, $"consecutive_{start}_{(keepZeros ? "True" : "False")}");
        Assert.Equal(expected, LabelOracle.Strings(output));
        Assert.Equal(oracle.Expected(name, "unique_values"), LabelOracle.Strings(mapping.OldLabels));
        Assert.Equal(expected.Select(long.Parse).Max(), mapping.MaxLabel);
        if (start == 0 && keepZeros && oracle.Has(name, "skimage"))
        {
            Assert.Equal(oracle.Expected(name, "skimage"), LabelOracle.Strings(output));
        }

        if (jobType == JobType.Local)
        {
            Assert.Equal(expected, WholeVolume(input, new ConsecutiveKernel(start, keepZeros)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Size_filter_equals_bioimage_py_with_inclusive_bounds(string name, int variant, JobType jobType, int workers)
    {
        var input = oracle.Input(name);
        var (min, max) = oracle.Bounds(name, masked: false);
        var (label, withMin, withMax, relabel) = SizeVariants[variant];
        long? lo = withMin ? min : null, hi = withMax ? max : null;
        var output = oracle.Output(name, input.DType, Blocks);
        var result = Relabeling.SizeFilter(input, output, oracle.Options(jobType, workers, Blocks), lo, hi, relabel);
        var expected = oracle.Expected(name, "size_" + label);
        Assert.Equal(expected, LabelOracle.Strings(output));
        Assert.Equal(result.Mapping.Count, result.Kept + result.Removed + (oracle.Expected(name, "unique_values").Contains("0") ? 1 : 0));
        if (jobType == JobType.Local)
        {
            Assert.Equal(expected, WholeVolume(input, new SizeFilterKernel(lo, hi, relabel)));
        }
    }

    [Theory]
    [MemberData(nameof(LabelOracle.AllNames), MemberType = typeof(LabelOracle))]
    public void Masked_runs_count_and_remap_only_inside_the_mask(string name)
    {
        var input = oracle.Input(name);
        var options = oracle.Options(JobType.Local, 2, Blocks, masked: true);
        var consecutive = oracle.Output(name, input.DType, Blocks);
        Relabeling.Consecutive(input, consecutive, options);
        Assert.Equal(oracle.Expected(name, "consecutive_0_True_masked"), LabelOracle.Strings(consecutive));

        var (min, _) = oracle.Bounds(name, masked: true);
        var filtered = oracle.Output(name, input.DType, Blocks);
        Relabeling.SizeFilter(input, filtered, options, minSize: min);
        Assert.Equal(oracle.Expected(name, "size_min_masked"), LabelOracle.Strings(filtered));
    }

    [Fact]
    public void Apply_with_a_map_or_a_table_equals_numpy_and_names_a_missing_key()
    {
        // The map sends each label to a random uint64 (half of them above 2⁶³); numpy applies the same dictionary
        // voxel by voxel (np.vectorize(dict.get)), independently of the Relabel kernel the operation runs.
        var input = oracle.Input("uint16");
        var labels = UniqueValues.Compute<ushort>(input, new RunOptions()).Values;
        var random = new Random(15);
        var mapping = labels.ToDictionary(v => v, _ => (ulong)random.NextInt64(long.MinValue, long.MaxValue));
        string keys = Path.Combine(oracle.Fixture.Directory, "map_keys.npy"), values = Path.Combine(oracle.Fixture.Directory, "map_values.npy");
        using (var keyArray = NdArray<ushort>.Wrap([.. mapping.Keys], [mapping.Count]))
        using (var valueArray = NdArray<ulong>.Wrap([.. mapping.Values], [mapping.Count]))
        {
            NpyFile.Write(keys, keyArray);
            NpyFile.Write(values, valueArray);
        }

        Python.Run(
            """
            import sys
            import numpy as np
            labels, keys, values, out = sys.argv[1:]
            mapping = dict(zip(np.load(keys).tolist(), np.load(values).tolist()))
            np.save(out, np.vectorize(mapping.get, otypes=[np.uint64])(np.load(labels)))
            """,
            Path.Combine(oracle.Fixture.Directory, "uint16.npy"),
            keys,
            values,
            Path.Combine(oracle.Fixture.Directory, "uint16__map.npy"));
        var expected = oracle.Expected("uint16", "map");
        Assert.Contains(mapping.Values, v => v > long.MaxValue);
        foreach (var jobType in new[] { JobType.Local, JobType.Subprocess })
        {
            var output = oracle.Output("map", DType.UInt64, Blocks);
            Relabeling.Apply(input, output, mapping, oracle.Options(jobType, 2, Blocks));
            Assert.Equal(expected, LabelOracle.Strings(output));
        }

        using var data = BlockData.Read<ushort>(input, Region.FromShape([13, 17, 19]));

        var table = Enumerable.Range(0, labels[^1] + 1).Select(i => (uint)(i * 7)).ToArray();
        var tabled = oracle.Output("table", DType.UInt32, Blocks);
        Relabeling.ApplyTable<ushort, uint>(input, tabled, table, oracle.Options(JobType.Local, 2, Blocks));
        Assert.Equal(LabelOracle.Strings(data.ToArray().Select(v => (uint)(v * 7)).ToArray()), LabelOracle.Strings(tabled));

        mapping.Remove(labels[3]);
        var error = Assert.Throws<RunnerException>(() => Relabeling.Apply(input, oracle.Output("missing", DType.UInt64, Blocks), mapping, oracle.Options(JobType.Local, 2, Blocks)));
        Assert.Contains($"missing key {labels[3]}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_a_clear_message()
    {
        var input = oracle.Input("uint32");
        var output = oracle.Output("bad", DType.UInt8, Blocks);
        var options = oracle.Options(JobType.Local, 2, Blocks);
        Assert.Contains("do not fit the output's dtype uint8", Assert.Throws<DataConditionException>(() => Relabeling.Consecutive(input, output, options, startLabel: 250)).Message, StringComparison.Ordinal);
        Assert.Contains("subset of blocks", Assert.Throws<OperationRefusedException>(() => Relabeling.SizeFilter(input, output, options with { BlockIds = [1] }, minSize: 3)).Message, StringComparison.Ordinal);
        Assert.Contains("minimum size", Assert.Throws<OperationRefusedException>(() => Relabeling.SizeFilter(input, output, options)).Message, StringComparison.Ordinal);
        var same = oracle.Output("same", DType.UInt32, Blocks);
        Assert.Contains("other than its input", Assert.Throws<OperationRefusedException>(() => Relabeling.Consecutive(same, same, options)).Message, StringComparison.Ordinal);
        var floats = new ArraySource<float>(NdArray<float>.Allocate([13, 17, 19]));
        Assert.Contains("integer dtype", Assert.Throws<OperationRefusedException>(() => Relabeling.Consecutive(floats, output, options)).Message, StringComparison.Ordinal);
    }

    /// <summary>The whole-volume kernel's result on <paramref name="input"/> as strings.</summary>
    private static string[] WholeVolume(ISource input, IWholeVolumeKernel kernel) => input.DType.DispatchInteger(new Whole(input, kernel), "input");

    private interface IWholeVolumeKernel
    {
        void Run<T>(ReadOnlySpan3D<T> input, Span3D<T> output)
            where T : unmanaged, IBinaryInteger<T>;
    }

    private sealed class ConsecutiveKernel(long start, bool keepZeros) : IWholeVolumeKernel
    {
        public void Run<T>(ReadOnlySpan3D<T> input, Span3D<T> output)
            where T : unmanaged, IBinaryInteger<T> =>
            Relabel.Consecutive(input, output, T.CreateChecked(start), keepZeros, degreeOfParallelism: 2);
    }

    private sealed class SizeFilterKernel(long? min, long? max, bool relabel) : IWholeVolumeKernel
    {
        public void Run<T>(ReadOnlySpan3D<T> input, Span3D<T> output)
            where T : unmanaged, IBinaryInteger<T> =>
            SizeFilter.Apply(input, output, min, max, relabel, degreeOfParallelism: 2);
    }

    private sealed class Whole(ISource input, IWholeVolumeKernel kernel) : IIntegerDTypeFunc<string[]>
    {
        public string[] Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            using var data = BlockData.Read<T>(input, Region.FromShape([.. input.Shape]));
            var result = new T[data.Length];
            kernel.Run<T>(data.AsSpan3D(), new Span3D<T>(result, 13, 17, 19));
            return LabelOracle.Strings(result);
        }
    }
}
