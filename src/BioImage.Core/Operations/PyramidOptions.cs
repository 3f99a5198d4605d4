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

    /// <summary>2×2(×2) max pooling.</summary>
    Max,

    /// <summary>2×2(×2) min pooling.</summary>
    Min,

    /// <summary>Anti-aliased cubic resize by ½ (order 3, Gaussian σ = (in/out − 1)/2 first); float32 levels.</summary>
    Cubic,
}

/// <summary>What <see cref="Pyramid"/> writes: levels, downsampling and physical axes (the level arrays' storage is the output target's).</summary>
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

    /// <summary>Physical size of an s0 voxel per axis (z, y, x) or one value for all; null = 1 (scales in s0 voxels).</summary>
    public double[]? VoxelSize { get; init; }

    /// <summary>Unit of the space axes (e.g. "micrometer"); null = none written.</summary>
    public string? Unit { get; init; }

    /// <summary>The method used: <see cref="Method"/> or the default for labels / images.</summary>
    public PyramidMethod EffectiveMethod => Method ?? (Labels ? PyramidMethod.Mode : PyramidMethod.Mean);

    /// <summary>True for the methods that pool 2-boxes (their levels are centred on the box: translation (2^k − 1)/2).</summary>
    public bool Pools => EffectiveMethod is PyramidMethod.Mean or PyramidMethod.Mode or PyramidMethod.Max or PyramidMethod.Min;

    /// <summary>Throws (naming the property) unless the options fit an image of <paramref name="rank"/> axes.</summary>
    public void Validate(int rank)
    {
        if (Levels < 1)
        {
            throw new ArgumentException($"--levels must be at least 1; got {Levels}.");
        }
        if (Method is { } method && !Enum.IsDefined(method))
        {
            throw new ArgumentException($"Unknown pyramid method {method}; use mean, max, min, mode, nearest, linear or cubic.");
        }

        if (Labels && EffectiveMethod is PyramidMethod.Mean or PyramidMethod.Linear or PyramidMethod.Cubic)
        {
            throw new ArgumentException($"A label image needs a label-safe downsampling (mode, nearest, max or min), not {EffectiveMethod.ToString().ToLowerInvariant()}.");
        }

        if (VoxelSize is { } size && ((size.Length != 1 && size.Length != rank) || size.Any(v => !double.IsFinite(v) || v <= 0)))
        {
            throw new ArgumentException($"The voxel size (VoxelSize, --voxel-size) needs one positive value or {rank} (one per axis); got [{string.Join(", ", size)}].");
        }

        if (Unit is { } unit && !SpaceUnits.Contains(unit))
        {
            throw new ArgumentException($"The unit '{unit}' is not an NGFF space unit; use one of {string.Join(", ", SpaceUnits.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>The s0 voxel size per axis (1 when not given).</summary>
    public double[] VoxelSizeFor(int rank) => VoxelSize is { Length: 1 } one ? [.. Enumerable.Repeat(one[0], rank)] : VoxelSize ?? [.. Enumerable.Repeat(1.0, rank)];
}
