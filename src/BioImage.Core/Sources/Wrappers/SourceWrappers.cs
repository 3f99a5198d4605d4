using System.Collections.Concurrent;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// Composes wrappers (<c>source.Roi(...).Threshold(128)</c>) and reopens them from a spec's <see cref="SourceSpec.Wrappers"/>.
/// Names and parameters: <c>threshold {threshold: number}</c>, <c>normalize {dtype: "float32"|"float64"}</c>,
/// <c>roi {begin: [..], end: [..]}</c>, <c>pad {pad_width: [..]}</c> (after each axis), <c>expand_dims {axis: int}</c>,
/// <c>resized {shape: [..], order: 0–5, anti_aliasing: bool}</c>.
/// </summary>
public static class SourceWrappers
{
    private static readonly ConcurrentDictionary<string, Func<ISource, WrapperSpec, ISource>> Factories = new(StringComparer.Ordinal)
    {
        ["threshold"] = (source, spec) => new ThresholdSource(source, spec.Get<double>("threshold")),
        ["normalize"] = (source, spec) => new NormalizeSource(source, DTypes.Parse(spec.Get<string>("dtype"))),
        ["roi"] = (source, spec) => new RoiSource(source, new Region(spec.Get<long[]>("begin"), spec.Get<long[]>("end"))),
        ["pad"] = (source, spec) => new PadSource(source, spec.Get<long[]>("pad_width")),
        ["expand_dims"] = (source, spec) => new ExpandDimsSource(source, spec.Get<int>("axis")),
        ["resized"] = (source, spec) => new ResizedSource(source, spec.Get<long[]>("shape"), spec.Get<int>("order"), spec.Get<bool>("anti_aliasing")),
    };

    /// <summary>Adds (or replaces) a wrapper that specs can name.</summary>
    public static void Register(string name, Func<ISource, WrapperSpec, ISource> factory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(factory);
        Factories[name] = factory;
    }

    /// <summary>Applies <paramref name="wrappers"/> to <paramref name="source"/>, innermost first.</summary>
    public static ISource Apply(ISource source, IEnumerable<WrapperSpec> wrappers)
    {
        ArgumentNullException.ThrowIfNull(wrappers);
        foreach (var wrapper in wrappers)
        {
            source = Factories.TryGetValue(wrapper.Name, out var factory)
                ? factory(source, wrapper)
                : throw new ArgumentException($"Unknown wrapper '{wrapper.Name}'; known wrappers: {string.Join(", ", Factories.Keys.Order())}.", nameof(wrappers));
        }

        return source;
    }

    /// <summary><c>source &gt; threshold</c> as a bool source.</summary>
    public static ThresholdSource Threshold(this ISource source, double threshold) => new(source, threshold);

    /// <summary>Per-read min–max normalization to float32 or float64.</summary>
    public static NormalizeSource Normalize(this ISource source, DType dtype = DType.Float32) => new(source, dtype);

    /// <summary>The sub-volume <paramref name="roi"/>.</summary>
    public static RoiSource Roi(this ISource source, Region roi) => new(source, roi);

    /// <summary>Zero padding at the end of each axis.</summary>
    public static PadSource Pad(this ISource source, params long[] padAfter) => new(source, padAfter);

    /// <summary>The source resized to <paramref name="shape"/> (spline order 0–5, optional anti-aliasing).</summary>
    public static ResizedSource Resized(this ISource source, IReadOnlyList<long> shape, int order = 0, bool antiAliasing = false) => new(source, shape, order, antiAliasing);

    /// <summary>A new axis of extent 1 at <paramref name="axis"/>.</summary>
    public static ExpandDimsSource ExpandDims(this ISource source, int axis = 0) => new(source, axis);
}
