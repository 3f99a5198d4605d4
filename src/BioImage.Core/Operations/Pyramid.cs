using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Storage.Metadata;
using BioImage.Storage.Stores;

namespace BioImage.Operations;

/// <summary>
/// Writes an OME-Zarr multiscale image: level s0 is a block-wise copy of the input, level sk halves level sk−1 per
/// axis (ceil shapes) by <see cref="PyramidMethod"/>: mode (labels; never invents a label) or nearest for label images,
/// mean pooling or anti-aliased linear resizing for intensity images. The group's metadata is OME-NGFF 0.4
/// (<c>.zattrs</c> "multiscales", Zarr v2) or 0.5 (<c>zarr.json</c> attributes "ome", Zarr v3; the level arrays carry
/// the axis names as <c>dimension_names</c>) with space axes (and their unit) and, per level, a <c>scale</c> and a
/// <c>translation</c> in physical units: pooled levels have voxel size · 2^k and the box centre
/// voxel size · (2^k − 1)/2; resized levels sample s0 at o · n0/nk (bioimage-py's ResizedSource positions), so
/// their scale is voxel size · n0/nk and their translation 0. Re-running replaces the levels and the multiscales entry
/// instead of appending another, and deletes the levels the previous entry listed that the new one does not.
/// </summary>
public static class Pyramid
{
    /// <summary>Writes the pyramid and returns the shape of every level.</summary>
    /// <param name="input">The full-resolution image (2D or 3D).</param>
    /// <param name="path">The OME-Zarr folder (created or replaced level by level).</param>
    /// <param name="pyramid">Levels, method, level storage and physical axes.</param>
    /// <param name="options">Runner options; a null block shape means the chunk shape.</param>
    public static IReadOnlyList<long[]> Write(ISource input, string path, PyramidOptions pyramid, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pyramid);
        ArgumentNullException.ThrowIfNull(options);
        int rank = input.Shape.Count;
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"An OME-Zarr pyramid needs a 2D or 3D image; the input has {rank} axes.", nameof(input));
        }

        pyramid.Validate(rank);
        string[] names = rank == 3 ? ["z", "y", "x"] : ["y", "x"];
        int[] chunks = pyramid.Chunks ?? [.. (input.Chunks ?? input.Shape).Select(e => (int)Math.Clamp(e, 1, 64))];
        long[] blockShape = options.BlockShape?.ToArray() ?? [.. (pyramid.Shards ?? chunks).Select(c => (long)c)];
        var stale = PreviousLevels(path);
        var shapes = new List<long[]>();
        ISource previous = input;
        for (int level = 0; level < pyramid.Levels; level++)
        {
            string key = $"s{level}";
            string folder = Path.Combine(path, key);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            var downsample = Downsampling(previous, pyramid.EffectiveMethod, level == 0 ? 1 : 2);
            long[] shape = downsample.OutputShape(previous.Shape);
            var target = ChunkedSource.Create(path, key, new ArrayOptions
            {
                Shape = shape,
                DType = downsample.OutputDType(previous.DType),
                Chunks = chunks,
                Shards = pyramid.Shards,
                Compressor = pyramid.Compressor,
                Format = pyramid.Format,
                DimensionNames = pyramid.Format == StorageFormat.ZarrV3 ? names : null,
            });
            var levelOptions = options with { BlockShape = blockShape };
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

        WriteMetadata(path, names, shapes, pyramid);
        foreach (string level in stale.Except(Enumerable.Range(0, pyramid.Levels).Select(k => $"s{k}")))
        {
            Directory.Delete(Path.Combine(path, level), recursive: true);
        }

        return shapes;
    }

    /// <summary>The level paths the existing multiscales entries (0.4 or 0.5) list that are plain s&lt;k&gt; folders present on disk.</summary>
    private static List<string> PreviousLevels(string path)
    {
        if (!Directory.Exists(path))
        {
            return [];
        }

        var store = new FileSystemStore(path);
        var multiscales = (JsonDocuments.Read(store, ".zattrs")?["multiscales"] as JsonArray ?? [])
            .Concat(JsonDocuments.Read(store, "zarr.json")?["attributes"]?["ome"]?["multiscales"] as JsonArray ?? []);
        return [.. multiscales
            .SelectMany(entry => entry?["datasets"] as JsonArray ?? [])
            .Select(dataset => dataset?["path"]?.GetValue<string>())
            .OfType<string>()
            .Where(level => level.Length > 1 && level[0] == 's' && level[1..].All(char.IsAsciiDigit) && Directory.Exists(Path.Combine(path, level)))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The step that makes a level from the previous one (factor 1 for s0, whose dtype and shape it only reports).</summary>
    private static DownsampleOperation Downsampling(ISource previous, PyramidMethod method, int factor) => method switch
    {
        PyramidMethod.Mean => DownsampleOperation.For(previous, [factor], method: PoolingMethod.Mean),
        PyramidMethod.Mode => DownsampleOperation.For(previous, [factor], method: PoolingMethod.Mode),
        PyramidMethod.Linear when factor > 1 => DownsampleOperation.For(previous, [factor], order: 1, antiAliasing: true),
        _ => DownsampleOperation.For(previous, [factor]),
    };

    private static void WriteMetadata(string path, string[] names, List<long[]> shapes, PyramidOptions pyramid)
    {
        int rank = names.Length;
        var voxelSize = pyramid.VoxelSizeFor(rank);
        var datasets = new JsonArray();
        for (int level = 0; level < shapes.Count; level++)
        {
            double[] scale = new double[rank], translation = new double[rank];
            for (int axis = 0; axis < rank; axis++)
            {
                double factor = pyramid.Pools ? Math.Pow(2, level) : (double)shapes[0][axis] / shapes[level][axis];
                scale[axis] = voxelSize[axis] * factor;
                translation[axis] = pyramid.Pools ? voxelSize[axis] * (factor - 1) / 2 : 0;
            }

            datasets.Add(new JsonObject
            {
                ["path"] = $"s{level}",
                ["coordinateTransformations"] = new JsonArray
                {
                    new JsonObject { ["type"] = "scale", ["scale"] = Numbers(scale) },
                    new JsonObject { ["type"] = "translation", ["translation"] = Numbers(translation) },
                },
            });
        }

        var axes = new JsonArray();
        foreach (string name in names)
        {
            var axis = new JsonObject { ["name"] = name, ["type"] = "space" };
            if (pyramid.Unit is { } unit)
            {
                axis["unit"] = unit;
            }

            axes.Add(axis);
        }

        var multiscale = new JsonObject
        {
            ["name"] = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)),
            ["axes"] = axes,
            ["datasets"] = datasets,
            ["type"] = pyramid.EffectiveMethod.ToString().ToLowerInvariant(),
        };
        var store = new FileSystemStore(path);
        if (pyramid.Format == StorageFormat.ZarrV2)
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

    private static JsonArray Numbers(double[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
