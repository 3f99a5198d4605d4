using System.Text.Json;
using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Both stitching operations against stitching_reference.py, a step-by-step numpy re-implementation of bioimage-py's
/// stitch_tiled_segmentation and stitch_segmentation with a brute-force multicut (stitching_oracle.py writes the
/// cases, one Python run for all): random 2D and 3D crafted cases with and without background, overlaps 1 and 2, β
/// 0.4–0.6 — the same number of overlap rows and graph edges and the same output (stitch-segmentation's
/// relabel_sequential ids exactly; stitch-tiles' node labels as a partition, since upstream's decomposer numbers its
/// labels its own way). And known segmentations come back exactly: boxes cut into tiles with per-tile ids, and
/// Voronoi cells segmented tile by tile with thresholds that differ between tiles.
/// </summary>
public sealed class StitchingTests
{
    private static readonly Lazy<string> Oracle = new(() =>
    {
        string folder = Directory.CreateTempSubdirectory("bioimage-stitching-").FullName;
        Python.Run("import runpy, sys; script = sys.argv[2]; sys.argv = [script, sys.argv[1]]; runpy.run_path(script, run_name='__main__')", folder, Path.Combine(RepoPaths.Root, "tests", "BioImage.Core.Tests", "Operations", "stitching_oracle.py"));
        return folder;
    });

    [Fact]
    public void Both_stitchings_equal_the_step_by_step_reference_on_crafted_cases()
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Oracle.Value, "cases.json")));
        Assert.Equal(14, cases.RootElement.GetArrayLength());
        foreach (var entry in cases.RootElement.EnumerateArray())
        {
            string name = entry.GetProperty("name").GetString()!;
            var input = Source.Open(Path.Combine(Oracle.Value, name + ".npy"));
            long[] tile = [.. entry.GetProperty("tile").EnumerateArray().Select(e => e.GetInt64())];
            long[] overlap = [.. entry.GetProperty("overlap").EnumerateArray().Select(e => e.GetInt64())];
            bool background = entry.GetProperty("background").GetBoolean();
            double beta = entry.GetProperty("beta").GetDouble();
            using var data = NdArray<ulong>.Allocate([.. input.Shape.Select(e => (int)e)]);
            var output = new ArraySource<ulong>(data);
            var options = new RunOptions { Workers = 2, BlockShape = input.Shape.Count == 2 ? [4, 3] : [2, 3, 5] };
            bool tiles = entry.GetProperty("kind").GetString() == "tiles";
            var result = tiles
                ? StitchTiles.Run(input, output, tile, options, overlap[0], beta, background)
                : Executor.Compute(StitchSegmentation.Of(new ThresholdTiles { Threshold = entry.GetProperty("threshold").GetDouble() }, tile, overlap, beta, background), [input], [output], options);
            Assert.True(entry.GetProperty("rows").GetInt32() == result.OverlapRows, $"{name}: {result.OverlapRows} overlap rows, the reference has {entry.GetProperty("rows")}");
            Assert.True(entry.GetProperty("edges").GetInt32() == result.Edges, $"{name}: {result.Edges} edges, the reference has {entry.GetProperty("edges")}");
            using var expected = NpyFile.Read<long>(Path.Combine(Oracle.Value, name + ".expected.npy"));
            var actual = data.ToArray();
            if (tiles)
            {
                AssertSamePartition(expected.ToArray(), actual, name);
            }
            else
            {
                Assert.True(expected.ToArray().Select(v => (ulong)v).SequenceEqual(actual), $"{name}: the stitched labels differ from the reference");
            }
        }
    }

    [Fact]
    public void Boxes_cut_into_tiles_with_their_own_ids_stitch_back_to_the_boxes()
    {
        var input = Source.Open(Path.Combine(Oracle.Value, "boxes.npy"));
        using var data = NdArray<ulong>.Allocate([.. input.Shape.Select(e => (int)e)]);
        var output = new ArraySource<ulong>(data);
        var result = StitchTiles.Run(input, output, [8, 10, 12], new RunOptions { Workers = 2, BlockShape = [7, 16, 9] });
        using var truth = NpyFile.Read<uint>(Path.Combine(Oracle.Value, "boxes.gt.npy"));
        Assert.True(result.Tiles == 48 && result.OverlapRows > 10, $"{result}");
        AssertSamePartition([.. truth.ToArray().Select(v => (long)v)], data.ToArray(), "boxes");
    }

    [Fact]
    public void Cells_segmented_tile_by_tile_with_different_thresholds_stitch_back_to_the_cells()
    {
        var input = Source.Open(Path.Combine(Oracle.Value, "cells.npy"));
        using var data = NdArray<ulong>.Allocate([.. input.Shape.Select(e => (int)e)]);
        var output = new ArraySource<ulong>(data);
        var operation = StitchSegmentation.Of(new ThresholdTiles { Threshold = 1.5, Jitter = 0.1 }, [16, 16, 16], [3]);
        var result = Executor.Compute(operation, [input], [output], new RunOptions { Workers = 2, BlockShape = [16, 20, 11] });
        using var truth = NpyFile.Read<uint>(Path.Combine(Oracle.Value, "cells.gt.npy"));
        using var cells = NdArray<float>.Allocate([.. input.Shape.Select(e => (int)e)]);
        Assert.True(result.Tiles == 18, $"{result}");
        var actual = data.ToArray();
        // Voxels whose threshold differs between tiles (1.5 … 1.7) may go either way; all others must match the cells.
        input.Read(Region.FromShape([.. input.Shape]), cells.AsSpan3D());
        var sure = Enumerable.Range(0, actual.Length).Where(i => cells.Span[i] is <= 1.5f or > 1.7f).ToArray();
        AssertSamePartition([.. sure.Select(i => (long)truth.Span[i])], [.. sure.Select(i => actual[i])], "cells");
        Assert.Equal((ulong)truth.ToArray().Max(), actual.Max());
    }

    /// <summary>The two labellings are the same partition: each label of one meets exactly one label of the other.</summary>
    private static void AssertSamePartition(long[] expected, ulong[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        var forward = new Dictionary<long, ulong>();
        var backward = new Dictionary<ulong, long>();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(forward.TryAdd(expected[i], actual[i]) || forward[expected[i]] == actual[i], $"{name}: expected label {expected[i]} became {forward[expected[i]]} and {actual[i]} (voxel {i})");
            Assert.True(backward.TryAdd(actual[i], expected[i]) || backward[actual[i]] == expected[i], $"{name}: label {actual[i]} covers expected labels {backward[actual[i]]} and {expected[i]} (voxel {i})");
        }
    }
}

/// <summary>
/// The test's per-tile segmentation: <c>scipy.ndimage.label(tile &gt; threshold)</c> (faces only), the threshold raised
/// by <see cref="Jitter"/> · (tile id mod 3) so that neighbouring tiles segment their shared voxels slightly differently.
/// </summary>
public sealed class ThresholdTiles : TileSegmenter
{
    /// <summary>Voxels above it are foreground.</summary>
    public double Threshold { get; set; }

    /// <summary>Added to the threshold per (tile id mod 3).</summary>
    public double Jitter { get; set; }

    /// <inheritdoc />
    protected override void Segment<T>(ReadOnlySpan3D<T> input, Span3D<ulong> labels, long tileId) =>
        ConnectedComponents.Label(input, T.CreateSaturating(Threshold + (Jitter * (tileId % 3))), labels, connectivity: 1);
}
