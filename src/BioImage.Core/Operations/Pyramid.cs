using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Operations;

/// <summary>
/// Writes an OME-Zarr multiscale image: level s0 is a block-wise copy of the input, level sk pools level sk−1 by 2
/// per axis (ceil shapes) — mode for label images (never invents a label), mean for intensity images. The group's
/// metadata is OME-NGFF 0.4 (<c>.zattrs</c> "multiscales", Zarr v2) or 0.5 (<c>zarr.json</c> attributes "ome", Zarr v3)
/// with space axes and, per level, a <c>scale</c> of 2^k and a <c>translation</c> of (2^k − 1)/2 voxels (the centre of
/// the pooled box). Re-running replaces the levels and the multiscales entry instead of appending another.
/// </summary>
public static class Pyramid
{
    /// <summary>Writes the pyramid and returns the shape of every level.</summary>
    /// <param name="input">The full-resolution image (2D or 3D).</param>
    /// <param name="path">The OME-Zarr folder (created or replaced level by level).</param>
    /// <param name="levels">Number of levels including s0 (≥ 1).</param>
    /// <param name="labels">Label image: mode pooling; otherwise mean pooling.</param>
    /// <param name="format">Zarr v2 (NGFF 0.4) or Zarr v3 (NGFF 0.5).</param>
    /// <param name="options">Runner options; a null block shape means the chunk shape.</param>
    public static IReadOnlyList<long[]> Write(ISource input, string path, int levels, bool labels, StorageFormat format, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        int rank = input.Shape.Count;
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"An OME-Zarr pyramid needs a 2D or 3D image; the input has {rank} axes.", nameof(input));
        }

        if (format is not (StorageFormat.ZarrV2 or StorageFormat.ZarrV3))
        {
            throw new ArgumentException($"OME-Zarr needs Zarr v2 or v3, not {format}.", nameof(format));
        }

        int[] chunks = [.. (input.Chunks ?? input.Shape).Select(e => (int)Math.Clamp(e, 1, 64))];
        var shapes = new List<long[]>();
        ISource previous = input;
        for (int level = 0; level < levels; level++)
        {
            string key = $"s{level}";
            string folder = Path.Combine(path, key);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            var downsample = DownsampleOperation.For(previous, [level == 0 ? 1 : 2], method: labels ? PoolingMethod.Mode : PoolingMethod.Mean);
            long[] shape = downsample.OutputShape(previous.Shape);
            var target = ChunkedSource.Create(path, key, new ArrayOptions { Shape = shape, DType = input.DType, Chunks = chunks, Format = format });
            var levelOptions = options with { BlockShape = options.BlockShape ?? [.. chunks.Select(c => (long)c)] };
            if (level == 0)
            {
                Runner.Run(new CopyOperation(), [input], [target], levelOptions);
            }
            else
            {
                Runner.Run(downsample, [], [target], levelOptions);
            }

            shapes.Add(shape);
            previous = target;
        }

        WriteMetadata(path, rank, levels, labels, format);
        return shapes;
    }

    private static void WriteMetadata(string path, int rank, int levels, bool labels, StorageFormat format)
    {
        string[] names = rank == 3 ? ["z", "y", "x"] : ["y", "x"];
        var datasets = new JsonArray();
        for (int level = 0; level < levels; level++)
        {
            double factor = Math.Pow(2, level);
            datasets.Add(new JsonObject
            {
                ["path"] = $"s{level}",
                ["coordinateTransformations"] = new JsonArray
                {
                    new JsonObject { ["type"] = "scale", ["scale"] = Numbers(rank, factor) },
                    new JsonObject { ["type"] = "translation", ["translation"] = Numbers(rank, (factor - 1) / 2) },
                },
            });
        }

        var multiscale = new JsonObject
        {
            ["name"] = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)),
            ["axes"] = new JsonArray([.. names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["type"] = "space" })]),
            ["datasets"] = datasets,
            ["type"] = labels ? "mode" : "mean",
        };
        var store = new FileSystemStore(path);
        if (format == StorageFormat.ZarrV2)
        {
            multiscale["version"] = "0.4";
            var attributes = JsonDocuments.Read(store, ".zattrs") ?? [];
            attributes["multiscales"] = new JsonArray(multiscale);
            JsonDocuments.Write(store, ".zattrs", attributes);
            return;
        }

        var group = JsonDocuments.Read(store, "zarr.json") ?? new JsonObject { ["zarr_format"] = 3, ["node_type"] = "group" };
        var groupAttributes = group["attributes"] as JsonObject ?? [];
        groupAttributes["ome"] = new JsonObject { ["version"] = "0.5", ["multiscales"] = new JsonArray(multiscale) };
        group["attributes"] = groupAttributes.DeepClone();
        JsonDocuments.Write(store, "zarr.json", group);
    }

    private static JsonArray Numbers(int count, double value) => new([.. Enumerable.Repeat(value, count).Select(v => (JsonNode)JsonValue.Create(v))]);
}
