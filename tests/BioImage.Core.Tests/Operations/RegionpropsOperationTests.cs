using BioImage.Operations;
using BioImage.Runners;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// <see cref="Regionprops"/> equals bioimage-py's features computed with numpy (population covariance, eigvalsh) and
/// scipy's EDT for the centroid fallback — cross-checked in the oracle against skimage.measure.regionprops where
/// 0.19 has the feature — in 2D and 3D, with unit and anisotropic resolution, on thin, single-voxel and diagonal
/// objects, surface areas against skimage's marching_cubes + mesh_surface_area, from a table computed in a first pass or read from CSV, for row subsets, on every backend.
/// </summary>
[Collection(MorphologyOracleGroup.Name)]
public sealed class RegionpropsOperationTests(MorphologyOracle oracle)
{
    private static readonly Dictionary<string, double[]> Resolutions = new()
    {
        ["blobs3d unit"] = [1, 1, 1],
        ["blobs3d aniso"] = [2, 1, 1.5],
        ["blobs2d unit"] = [1, 1],
        ["blobs2d aniso"] = [0.5, 2],
    };

    public static TheoryData<string, string, JobType, int> Cases() => new()
    {
        { "blobs3d", "unit", JobType.Local, 2 },
        { "blobs3d", "aniso", JobType.Local, 1 },
        { "blobs2d", "unit", JobType.Local, 2 },
        { "blobs2d", "aniso", JobType.Local, 3 },
        { "blobs3d", "aniso", JobType.Subprocess, 2 },
        { "blobs2d", "unit", JobType.Slurm, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Features_equal_bioimage_py_formulas(string name, string resolution, JobType jobType, int workers)
    {
        bool surface = oracle.Shapes[name].Length == 3;
        var operation = new Regionprops { Resolution = Resolutions[$"{name} {resolution}"], Surface = surface };
        var result = Executor.Compute(operation, [oracle.Input(name)], [], oracle.Options(jobType, workers, new long[] { 5, 6, 7 }[..oracle.Shapes[name].Length]));
        var expected = oracle.Expected<double>(name, "rp_" + resolution);
        AssertRows(expected, oracle.Expected<ulong>(name, "label"), result, rows: null);
        if (surface)
        {
            // skimage keeps unit-spacing vertices in float32 and sums in float32; other spacings in float64.
            double tolerance = resolution == "unit" ? 1e-6 : 1e-12;
            int width = 7 + result.Rank;
            for (int row = 0; row < result.Count; row++)
            {
                double area = expected[(row * width) + width - 1];
                AssertClose(area, result.Rows[row].SurfaceArea!.Value, tolerance * area);
            }
        }
    }

    [Fact]
    public void Table_from_csv_and_item_ids()
    {
        string csv = Path.Combine(oracle.Fixture.Directory, $"table-{Guid.NewGuid():N}.csv");
        Executor.Compute(new Morphology { Csv = csv }, [oracle.Input("blobs3d")], [], oracle.Options(JobType.Local, 2, [4, 5, 6]));
        long[] rows = [0, 3, 7, 16];
        var subset = Executor.Compute(new Regionprops { Table = csv, Resolution = [2, 1, 1.5], ItemIds = rows }, [oracle.Input("blobs3d")], [], oracle.Options(JobType.Local, 2, null));
        AssertRows(oracle.Expected<double>("blobs3d", "rp_aniso"), oracle.Expected<ulong>("blobs3d", "label"), subset, rows);

        string output = Path.Combine(oracle.Fixture.Directory, $"features-{Guid.NewGuid():N}.csv");
        Executor.Compute(new Regionprops { Table = csv, Csv = output }, [oracle.Input("blobs3d")], [], oracle.Options(JobType.Local, 1, null));
        Assert.Equal(
            "label,n_voxels,area,extent,equivalent_diameter_area,axis_major_length,axis_minor_length,centroid_z,centroid_y,centroid_x,bb_min_z,bb_min_y,bb_min_x,bb_max_z,bb_max_y,bb_max_x",
            File.ReadLines(output).First());
        Assert.Equal(oracle.Expected<ulong>("blobs3d", "label").Length + 1, File.ReadAllLines(output).Length);

        var refused = Assert.Throws<OperationRefusedException>(() => Executor.Compute(new Regionprops { Table = csv, ItemIds = [99] }, [oracle.Input("blobs3d")], [], oracle.Options(JobType.Local, 1, null)));
        Assert.Contains("--item-ids: row 99 does not exist", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--resolution needs 3 positive values", Assert.Throws<OperationRefusedException>(() => Regionprops.Compute(oracle.Input("blobs3d"), new RunOptions(), [1, 0, 1])).Message, StringComparison.Ordinal);
        string partial = Path.Combine(oracle.Fixture.Directory, $"partial-{Guid.NewGuid():N}.csv");
        File.WriteAllText(partial, "label,com_y\n1,2\n");
        Assert.Contains("has no column com_x", Assert.Throws<OperationRefusedException>(() => Regionprops.Compute(oracle.Input("blobs2d"), new RunOptions(), table: partial)).Message, StringComparison.Ordinal);
        File.WriteAllText(partial, "label,com_y,com_x,bb_min_y,bb_min_x,bb_max_y,bb_max_x\n1,2,2,0,0,38,5\n");
        Assert.Contains("outside the segmentation", Assert.Throws<OperationRefusedException>(() => Regionprops.Compute(oracle.Input("blobs2d"), new RunOptions(), table: partial)).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// n_voxels and the centroid exactly; area, extent and diameter within 1e-12 relative; squared axis lengths within
    /// 1e-12 of the squared major axis: numpy's eigvalsh and the difference of eigenvalues in skimage's formula are
    /// accurate relative to the largest eigenvalue only (a flat object's minor axis comes out near 1e-7 instead of 0).
    /// </summary>
    private static void AssertRows(double[] expected, ulong[] labels, RegionpropsTable result, long[]? rows)
    {
        int rank = result.Rank, width = 6 + rank + (rank == 3 ? 1 : 0);
        var indices = rows ?? [.. Enumerable.Range(0, labels.Length).Select(i => (long)i)];
        Assert.Equal(indices.Length, result.Count);
        for (int k = 0; k < indices.Length; k++)
        {
            int row = (int)indices[k];
            var actual = result.Rows[k];
            var e = expected.AsSpan(row * width, width);
            Assert.Equal(labels[row], actual.Label);
            Assert.Equal((long)e[0], actual.Voxels);
            AssertClose(e[1], actual.Area, 1e-12 * e[1]);
            AssertClose(e[2], actual.Extent, 1e-12 * e[2]);
            AssertClose(e[3], actual.EquivalentDiameter, 1e-12 * e[3]);
            AssertClose(e[4] * e[4], actual.MajorAxis * actual.MajorAxis, 1e-12 * Math.Max(1, e[4] * e[4]));
            AssertClose(e[5] * e[5], actual.MinorAxis * actual.MinorAxis, 1e-12 * Math.Max(1, e[4] * e[4]));
            Assert.Equal(e[6..(6 + rank)].ToArray(), actual.Centroid);
        }
    }

    private static void AssertClose(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R} (tolerance {tolerance:G3})");
}
