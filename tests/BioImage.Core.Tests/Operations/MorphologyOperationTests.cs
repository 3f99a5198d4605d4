using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="Morphology"/> equals scipy.ndimage's find_objects, center_of_mass and sum_labels of the whole
/// volume exactly (centres of mass bit for bit) for every label dtype, uint64 ids above 2⁶⁰ that collide as float64,
/// single voxels, planes, lines and diagonals, 1D to 3D, with and without a mask, for blocks that divide no axis, on
/// local threads, worker processes and Slurm.
/// </summary>
[Collection(MorphologyOracleGroup.Name)]
public sealed class MorphologyOperationTests(MorphologyOracle oracle)
{
    public static TheoryData<string, JobType, int, long[]?> Cases()
    {
        var cases = new TheoryData<string, JobType, int, long[]?>();
        foreach (string name in MorphologyOracle.Dtypes)
        {
            cases.Add(name, JobType.Local, 3, [4, 5, 6]);
        }

        cases.Add("blobs3d", JobType.Local, 1, null);
        cases.Add("blobs3d", JobType.Local, 2, null);
        cases.Add("blobs3d", JobType.Local, 2, [13, 1, 19]);
        cases.Add("blobs3d", JobType.Local, 2, [1, 1, 1]);
        cases.Add("uint64", JobType.Subprocess, 2, [5, 17, 4]);
        cases.Add("blobs3d", JobType.Slurm, 3, [7, 6, 5]);
        cases.Add("blobs2d", JobType.Local, 2, [6, 7]);
        cases.Add("blobs2d", JobType.Local, 1, null);
        cases.Add("line1d", JobType.Local, 2, [4]);
        cases.Add("line1d", JobType.Local, 1, null);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Table_equals_scipy(string name, JobType jobType, int workers, long[]? blockShape)
    {
        foreach (bool masked in oracle.Shapes[name].Length == 3 ? new[] { false, true } : [false])
        {
            var table = Morphology.Compute(oracle.Input(name), oracle.Options(jobType, workers, blockShape, masked));
            AssertTable(oracle, name, masked ? "_masked" : "", table);
        }
    }

    [Fact]
    public void Block_ids_cover_only_their_blocks()
    {
        // Block 0 of 4×5×6 blocks: the table of the box [0, 4) × [0, 5) × [0, 6) alone.
        var table = Morphology.Compute(oracle.Input("blobs3d"), oracle.Options(JobType.Local, 2, [4, 5, 6]) with { BlockIds = [0] });
        Assert.Equal(120L - Zeros(oracle, "blobs3d", 4, 5, 6), table.Sizes.Sum());
        Assert.All(table.BoundingBoxMax[0], max => Assert.True(max <= 4));
        Assert.All(table.BoundingBoxMax[2], max => Assert.True(max <= 6));
    }

    [Fact]
    public void Negative_labels_empty_volumes_and_float_input()
    {
        var negative = new ArraySource<int>(NdArray<int>.Wrap([0, 3, -2, 3], [4]));
        var error = Assert.Throws<DataConditionException>(() => Morphology.Compute(negative, new RunOptions()));
        Assert.Contains("-2", error.Message, StringComparison.Ordinal);

        var empty = Morphology.Compute(new ArraySource<ushort>(NdArray<ushort>.Allocate([3, 4, 5])), new RunOptions { BlockShape = [2, 2, 2] });
        Assert.Equal(0, empty.Count);
        Assert.Equal(3, empty.CenterOfMass.Length);

        var floats = new ArraySource<float>(NdArray<float>.Allocate([3, 4, 5]));
        Assert.Contains("integer dtype", Assert.Throws<OperationRefusedException>(() => Morphology.Compute(floats, new RunOptions())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_has_bioimage_py_columns_and_exact_labels()
    {
        string csv = Path.Combine(oracle.Fixture.Directory, $"uint64-{Guid.NewGuid():N}.csv");
        var table = Executor.Compute(new Morphology { Csv = csv }, [oracle.Input("uint64")], [], oracle.Options(JobType.Local, 2, [4, 5, 6]));
        var lines = File.ReadAllLines(csv);
        Assert.Equal("label,size,com_z,com_y,com_x,bb_min_z,bb_min_y,bb_min_x,bb_max_z,bb_max_y,bb_max_x", lines[0]);
        Assert.Equal(table.Count + 1, lines.Length);
        Assert.Equal(oracle.Expected<ulong>("uint64", "label").Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    /// <summary>Labels, sizes and boxes exactly; centres of mass bit for bit (scipy divides the same exact sums once).</summary>
    internal static void AssertTable(MorphologyOracle oracle, string name, string suffix, MorphologyTable table)
    {
        Assert.Equal(oracle.Expected<ulong>(name, "label" + suffix), table.Labels);
        Assert.Equal(oracle.Expected<long>(name, "size" + suffix), table.Sizes);
        Assert.Equal(oracle.Expected<double>(name, "com" + suffix), RowMajor(table.CenterOfMass));
        Assert.Equal(oracle.Expected<long>(name, "bbmin" + suffix), RowMajor(table.BoundingBoxMin));
        Assert.Equal(oracle.Expected<long>(name, "bbmax" + suffix), RowMajor(table.BoundingBoxMax));
        for (int a = 0; a < table.Rank; a++)
        {
            for (int row = 0; row < table.Count; row++)
            {
                Assert.Equal(table.CenterOfMass[a][row], (double)table.CoordinateSums[a][row] / table.Sizes[row]);
            }
        }
    }

    private static T[] RowMajor<T>(T[][] columns) =>
        columns.Length == 0 ? [] : [.. Enumerable.Range(0, columns[0].Length).SelectMany(row => columns.Select(column => column[row]))];

    private static long Zeros(MorphologyOracle oracle, string name, int depth, int height, int width)
    {
        using var data = BioImage.Storage.NpyFile.Read<uint>(oracle.PathOf(name));
        var shape = oracle.Shapes[name];
        long zeros = 0;
        for (int z = 0; z < depth; z++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    zeros += data.Span[(int)((((z * shape[1]) + y) * shape[2]) + x)] == 0 ? 1 : 0;
                }
            }
        }

        return zeros;
    }
}
