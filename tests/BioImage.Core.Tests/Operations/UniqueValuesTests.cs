using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="UniqueValues"/> equals numpy.unique(return_counts=True) for every label dtype, odd shapes
/// and blocks that divide no axis, with and without a mask, on local threads and worker processes.
/// </summary>
[Collection(LabelOracleGroup.Name)]
public sealed class UniqueValuesTests(LabelOracle oracle)
{
    public static TheoryData<string, JobType, int, long[]> Cases()
    {
        var cases = new TheoryData<string, JobType, int, long[]>();
        foreach (string name in LabelOracle.Names)
        {
            cases.Add(name, JobType.Local, 1, [4, 5, 6]);
            cases.Add(name, JobType.Local, 3, [13, 2, 7]);
        }

        cases.Add("uint64", JobType.Subprocess, 2, [5, 17, 4]);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_and_counts_equal_numpy(string name, JobType jobType, int workers, long[] blockShape)
    {
        foreach (bool masked in new[] { false, true })
        {
            string suffix = masked ? "_masked" : "";
            var result = UniqueValues.Compute(oracle.Input(name), oracle.Options(jobType, workers, blockShape, masked), counts: true);
            Assert.Equal(oracle.Expected(name, "unique_values" + suffix), LabelOracle.Strings(result.Values));
            Assert.Equal(oracle.Expected(name, "unique_counts" + suffix), LabelOracle.Strings(result.Counts!));

            var valuesOnly = UniqueValues.Compute(oracle.Input(name), oracle.Options(JobType.Local, workers, [13, 17, 19], masked));
            Assert.Equal(LabelOracle.Strings(result.Values), LabelOracle.Strings(valuesOnly.Values));
            Assert.Null(valuesOnly.Counts);
        }
    }

    [Fact]
    public void Typed_result_block_ids_and_an_all_masked_volume()
    {
        var input = oracle.Input("int32");
        var (values, counts) = UniqueValues.Compute<int>(input, oracle.Options(JobType.Local, 2, [4, 5, 6]));
        Assert.Equal(oracle.Expected("int32", "unique_values"), values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4199L, counts.Sum());

        // An unchunked input without a block shape is one block, counted with the workers as threads.
        var whole = UniqueValues.Compute(input, new RunOptions { Workers = 2 }, counts: true);
        Assert.Equal(oracle.Expected("int32", "unique_counts"), LabelOracle.Strings(whole.Counts!));

        // Block 0 only: the voxels of the box [0, 4) × [0, 5) × [0, 6).
        var first = UniqueValues.Compute<int>(input, oracle.Options(JobType.Local, 1, [4, 5, 6]) with { BlockIds = [0] });
        Assert.Equal(120L, first.Counts.Sum());

        var empty = ArraySource(new byte[13 * 17 * 19]);
        var none = UniqueValues.Compute(input, oracle.Options(JobType.Local, 2, [4, 5, 6]) with { Mask = empty }, counts: true);
        Assert.Empty(none.Values);
        Assert.Empty(none.Counts!);
        Assert.Equal(DType.Int32, none.DType);
    }

    [Fact]
    public void A_wrong_element_type_is_refused()
    {
        Assert.Contains("uint16", Assert.Throws<ArgumentException>(() => UniqueValues.Compute<int>(oracle.Input("uint16"), new RunOptions())).Message, StringComparison.Ordinal);
    }

    private static ArraySource<byte> ArraySource(byte[] flags) => new(NdArray<byte>.Wrap(flags, OperationFixture.Shape));
}
