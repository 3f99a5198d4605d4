using BioImage.Storage.Codecs;
using BioImage.Storage.Metadata;

namespace BioImage.Operations;

/// <summary>How each pyramid level is made from the previous one (the NGFF multiscales <c>type</c>).</summary>
public enum PyramidMethod
{
    /// <summary>2×2(×2) mean pooling (images; the default for them).</summary>
    Mean,

    /// <summary>Anti-aliased linear resize by ½ (order 1, Gaussian σ = (in/out − 1)/2 first, as skimage); float32 levels.</summary>
    Linear,

    /// <summary>2×2(×2) majority pooling (labels; the default for them): never invents a label.</summary>
    Mode,

    /// <summary>Nearest-neighbour resize by ½ (order 0): keeps the label of one voxel per box.</summary>
    Nearest,
}

/// <summary>What <see cref="Pyramid.Write"/> writes: levels, downsampling, storage of the level arrays and physical axes.</summary>
public sealed record PyramidOptions
{
    /// <summary>The NGFF space units (UDUNITS-2 names the spec lists).</summary>
    public static readonly IReadOnlySet<string> SpaceUnits = new HashSet<string>(StringComparer.Ordinal)
    {
        "angstrom", "attometer", "centimeter", "decimeter", "exameter", "femtometer", "foot", "gigameter", "hectometer",
        "inch", "kilometer", "megameter", "meter", "micrometer", "mile", "millimeter", "nanometer", "parsec", "petameter",
        "picometer", "terameter", "yard", "yoctometer", "yottameter", "zeptometer", "zettameter",
    };

    /// <summary>Number of levels including s0 (≥ 1).</summary>
    public int Levels { get; init; } = 4;

    /// <summary>The image holds labels: only the label-safe methods (mode, nearest) are allowed; mode is the default.</summary>
    public bool Labels { get; init; }

    /// <summary>The downsampling; null = mode for labels, mean for images.</summary>
    public PyramidMethod? Method { get; init; }

    /// <summary>Zarr v2 (NGFF 0.4) or Zarr v3 (NGFF 0.5).</summary>
    public StorageFormat Format { get; init; } = StorageFormat.ZarrV3;

    /// <summary>Chunk shape of every level; null = the input's chunks (else its shape) capped at 64 per axis.</summary>
    public int[]? Chunks { get; init; }

    /// <summary>Zarr v3 shard shape of every level; null = unsharded.</summary>
    public int[]? Shards { get; init; }

    /// <summary>Compression of the levels.</summary>
    public IBytesToBytesCodec? Compressor { get; init; } = new ZstdCodec(3);

    /// <summary>Physical size of an s0 voxel per axis (z, y, x) or one value for all; null = 1 (scales in s0 voxels).</summary>
    public double[]? VoxelSize { get; init; }

    /// <summary>Unit of the space axes (e.g. "micrometer"); null = none written.</summary>
    public string? Unit { get; init; }

    /// <summary>The method used: <see cref="Method"/> or the default for labels / images.</summary>
    public PyramidMethod EffectiveMethod => Method ?? (Labels ? PyramidMethod.Mode : PyramidMethod.Mean);

    /// <summary>True for the methods that pool 2-boxes (their levels are centred on the box: translation (2^k − 1)/2).</summary>
    public bool Pools => EffectiveMethod is PyramidMethod.Mean or PyramidMethod.Mode;

    /// <summary>Throws (naming the property) unless the options fit an image of <paramref name="rank"/> axes.</summary>
    public void Validate(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Levels, 1, nameof(Levels));
        if (Format is not (StorageFormat.ZarrV2 or StorageFormat.ZarrV3))
        {
            throw new ArgumentException($"OME-Zarr needs Zarr v2 or v3, not {Format}.");
        }

        if (Method is { } method && !Enum.IsDefined(method))
        {
            throw new ArgumentException($"Unknown pyramid method {method}; use mean, linear, mode or nearest.");
        }

        if (Labels && EffectiveMethod is PyramidMethod.Mean or PyramidMethod.Linear)
        {
            throw new ArgumentException($"A label image needs a label-safe downsampling (mode or nearest), not {EffectiveMethod.ToString().ToLowerInvariant()}.");
        }

        if (VoxelSize is { } size && ((size.Length != 1 && size.Length != rank) || size.Any(v => !double.IsFinite(v) || v <= 0)))
        {
            throw new ArgumentException($"The voxel size (VoxelSize) needs one positive value or {rank} (one per axis); got [{string.Join(", ", size)}].");
        }

        if (Unit is { } unit && !SpaceUnits.Contains(unit))
        {
            throw new ArgumentException($"The unit '{unit}' is not an NGFF space unit; use one of {string.Join(", ", SpaceUnits.Order(StringComparer.Ordinal))}.");
        }

        foreach (var (name, extents) in new[] { (nameof(Chunks), Chunks), (nameof(Shards), Shards) })
        {
            if (extents is not null && (extents.Length != rank || extents.Any(e => e < 1)))
            {
                throw new ArgumentException($"{name} needs {rank} positive extents (one per axis); got [{string.Join(", ", extents)}].");
            }
        }
    }

    /// <summary>The s0 voxel size per axis (1 when not given).</summary>
    public double[] VoxelSizeFor(int rank) => VoxelSize is { Length: 1 } one ? [.. Enumerable.Repeat(one[0], rank)] : VoxelSize ?? [.. Enumerable.Repeat(1.0, rank)];
}
